package fr.civis.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The parts of a platform in order of start, each either a process the launcher can stop, kill and start again with
 * the same command and environment, or a resource it can only close (PostgreSQL). {@link #close()} stops what is still
 * running in reverse order of first start, whatever was restarted in between.
 */
final class Parts implements AutoCloseable {

    /** Waits until a freshly started process is ready; throws when it is not. */
    @FunctionalInterface
    interface HealthCheck {
        void await(ManagedProcess process) throws IOException, InterruptedException;
    }

    private final Path dataDir;
    private final Consumer<String> progress;
    private final Deque<AutoCloseable> order = new ArrayDeque<>();
    private final Map<String, Part> byName = new LinkedHashMap<>();

    Parts(Path dataDir, Consumer<String> progress) {
        this.dataDir = dataDir;
        this.progress = progress;
    }

    /** A resource that is only ever closed, with everything else. */
    void add(AutoCloseable resource) {
        order.push(resource);
    }

    /** Starts a process part and waits for its health check; it is registered (hence closed) even if that fails. */
    ManagedProcess launch(String name, List<String> command, Map<String, String> environment, HealthCheck ready)
            throws IOException, InterruptedException {
        Part part = register(new Part(name, List.copyOf(command), Map.copyOf(environment), ready));
        part.start();
        return part.process;
    }

    /** Parts are launched from more than one thread (Keycloak beside the services); only this is shared. */
    private synchronized Part register(Part part) {
        if (byName.containsKey(part.name)) {
            throw new IllegalArgumentException(part.name + " est déjà lancé");
        }
        byName.put(part.name, part);
        order.push(part);
        return part;
    }

    synchronized Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(byName.keySet()));
    }

    synchronized boolean isRunning(String name) {
        ManagedProcess process = part(name).process;
        return process != null && process.isAlive();
    }

    /** The pid of a running part. */
    synchronized long pid(String name) {
        ManagedProcess process = part(name).process;
        if (process == null) {
            throw new IllegalStateException(name + " est arrêté");
        }
        return process.pid();
    }

    /** Stops a part as {@link #close()} would (SIGTERM, then SIGKILL after the grace period); no-op if stopped. */
    synchronized void stop(String name) {
        part(name).stop(false);
    }

    /** Kills a part at once (SIGKILL, its children too), as a crash or an OOM killer would; no-op if stopped. */
    synchronized void kill(String name) {
        part(name).stop(true);
    }

    /** Stops a part if it runs, then starts it again with the same command and environment and awaits its health. */
    synchronized void restart(String name) throws IOException, InterruptedException {
        Part part = part(name);
        part.stop(false);
        progress.accept(name + " (redémarrage)…");
        part.start();
    }

    private Part part(String name) {
        Part part = byName.get(name);
        if (part == null) {
            throw new IllegalArgumentException("Aucun composant « " + name + " » parmi " + byName.keySet());
        }
        return part;
    }

    /** Stops every part still running in reverse order of first start; keeps going when one fails to stop. */
    @Override
    public synchronized void close() {
        while (!order.isEmpty()) {
            try {
                order.pop().close();
            } catch (Exception e) {
                progress.accept("Arrêt incomplet d'un composant : " + e.getClass().getSimpleName());
            }
        }
    }

    private final class Part implements AutoCloseable {

        private final String name;
        private final List<String> command;
        private final Map<String, String> environment;
        private final HealthCheck ready;
        private volatile ManagedProcess process;

        Part(String name, List<String> command, Map<String, String> environment, HealthCheck ready) {
            this.name = name;
            this.command = command;
            this.environment = environment;
            this.ready = ready;
        }

        void start() throws IOException, InterruptedException {
            process = ManagedProcess.start(name, command, environment, dataDir, dataDir);
            ready.await(process);
        }

        void stop(boolean forcibly) {
            if (process != null) {
                if (forcibly) {
                    process.kill();
                } else {
                    process.close();
                }
                process = null;
            }
        }

        @Override
        public void close() {
            stop(false);
        }
    }
}
