package fr.civis.keycloak.otp.sender;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Environment;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * {@value #ID}: a development sender that a person can read. Each message is appended to a file (option
 * {@code file}, default {@code civis-dev-sms.txt} in Keycloak's data folder) and written to the log, clearly marked.
 * It refuses to run unless Keycloak runs in development mode ({@code kc.sh start-dev}): it is the only place where a
 * code may appear in a log. It is the default sender so that {@code start-dev} works out of the box, and because it
 * refuses production, a production Keycloak that forgot to choose {@code civis-http} does not start at all.
 *
 * <p>One exception, for a demonstration cluster on one machine only ({@code ./civis up --nodes 2}, ADR 0023): Keycloak
 * nodes cluster only in production mode ({@code kc.sh start}), so option {@code local-demo-in-production-mode=true}
 * lets this sender run there too. Nothing sets it but the launcher, and Keycloak then logs a warning at start.
 */
public final class DevSmsSenderFactory implements SmsSenderFactory {

    public static final String ID = "civis-dev";

    private static final Logger LOG = Logger.getLogger(DevSmsSenderFactory.class);

    private final ReentrantLock fileLock = new ReentrantLock();
    private Path file;
    private boolean localDemo;

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        String configured = config.get("file");
        file = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("jboss.server.data.dir",
                        System.getProperty("kc.home.dir", ".") + "/data"), "civis-dev-sms.txt");
        localDemo = config.getBoolean("local-demo-in-production-mode", false);
    }

    /** Development mode, or the local demonstration cluster that asked for it by name. */
    private boolean allowed() {
        return Environment.isDevMode() || localDemo;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (isChosen(factory) && !allowed()) {
            throw new IllegalStateException("The SMS sender " + ID + " is for development only and Keycloak is not in "
                    + "development mode: choose a real gateway with --spi-civis-sms-sender--provider=civis-http.");
        }
        if (isChosen(factory) && !Environment.isDevMode()) {
            LOG.warn("The SMS sender " + ID + " runs outside development mode because local-demo-in-production-mode "
                    + "is set: codes go to " + file + ". For a demonstration on one machine only, never in production.");
        }
    }

    @Override
    public SmsSender create(KeycloakSession session) {
        if (!allowed()) {
            throw new IllegalStateException("The SMS sender " + ID + " only runs in development mode");
        }
        return new DevSmsSender(file, fileLock);
    }

    /** Higher than civis-http: chosen when nothing is configured, which only development mode accepts. */
    @Override
    public int order() {
        return 1;
    }

    @Override
    public void close() {
    }
}
