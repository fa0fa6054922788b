package fr.civis.keycloak.otp.sender;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

/** Appends each message to a file as one line, {@code <instant> <realm> <number> <text>}, and logs it. */
final class DevSmsSender implements SmsSender {

    private static final Logger LOG = Logger.getLogger(DevSmsSender.class);

    private final Path file;
    private final ReentrantLock fileLock;

    DevSmsSender(Path file, ReentrantLock fileLock) {
        this.file = file;
        this.fileLock = fileLock;
    }

    @Override
    public void send(RealmModel realm, String phoneNumber, String text) throws SmsException {
        String line = Instant.now() + " " + realm.getName() + " " + phoneNumber + " " + text.replace('\n', ' ')
                + System.lineSeparator();
        fileLock.lock();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new SmsException("The development SMS file could not be written", e);
        } finally {
            fileLock.unlock();
        }
        LOG.warnf("DEVELOPMENT SMS SENDER (never in production) to %s: %s", phoneNumber, text);
    }
}
