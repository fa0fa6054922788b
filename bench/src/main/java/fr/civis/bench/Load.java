package fr.civis.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** Virtual users repeating one operation for a while, and the CPU the measured processes spent meanwhile. */
final class Load {

    private Load() {
    }

    interface Operation {
        void run(int virtualUser) throws Exception;
    }

    /**
     * Operations done and failed, wall seconds, and CPU seconds of each of {@link ProcessCpu#names()} (same order)
     * over the phase.
     */
    record Result(long done, long failed, double seconds, double[] cpu) {
    }

    /** {@code clients} virtual users (numbered 0…) repeat {@code operation} for {@code seconds}; the first failure is printed. */
    static Result run(ExecutorService pool, int clients, int seconds, ProcessCpu cpu, Operation operation)
            throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        double[] cpuBefore = cpu.seconds();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Future<?>> users = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int virtualUser = i;
            users.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    try {
                        operation.run(virtualUser);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        if (failed.incrementAndGet() == 1) {
                            System.out.println("  first failure: " + e.getMessage());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> user : users) {
            user.get();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double[] used = cpu.seconds();
        for (int i = 0; i < used.length; i++) {
            used[i] -= cpuBefore[i];
        }
        return new Result(done.get(), failed.get(), wall, used);
    }
}
