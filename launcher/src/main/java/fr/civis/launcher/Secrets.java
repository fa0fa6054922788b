package fr.civis.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * Development secrets (database passwords, S3 keys, client secrets), drawn at first start and kept in
 * {@code data/secrets.properties}, readable by its owner only. Nothing secret is committed or printed.
 */
public final class Secrets {

    public static final String KEYCLOAK_ADMIN_PASSWORD = "keycloak.admin.password";
    public static final String S3_ACCESS_KEY = "s3.access-key";
    public static final String S3_SECRET_KEY = "s3.secret-key";
    public static final String MAIRIE_DEMO_SECRET = "client.mairie-demo.secret";
    public static final String PARTENAIRE_EAU_SECRET = "client.partenaire-eau.secret";
    /** Salts of the recipients' pairwise subject identifiers: a new salt gives every citizen a new identifier there. */
    public static final String MAIRIE_DEMO_PAIRWISE_SALT = "pairwise.mairie-demo.salt";
    public static final String PARTENAIRE_EAU_PAIRWISE_SALT = "pairwise.partenaire-eau.salt";
    public static final String VAULT_KEYSTORE_PASSPHRASE = "vault.keystore.passphrase";
    public static final String VAULT_CLIENT_SECRET = "client.civis-vault.secret";
    public static final String FRANCECONNECT_CLIENT_SECRET = "client.franceconnect.secret";
    public static final String CONSENT_CLIENT_SECRET = "client.civis-consent.secret";
    /** Keycloak's events client, which delivers security events to consent-service's journal. */
    public static final String EVENTS_CLIENT_SECRET = "client.civis-events.secret";
    /** Wraps consent-service's receipt signing keys in its database (docs/adr/0014-consent-receipts-and-journal.md). */
    public static final String CONSENT_RECEIPT_WRAPPING_KEY = "consent.receipts.wrapping-key";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Properties values = new Properties();

    private Secrets(Path file) {
        this.file = file;
    }

    public static Secrets loadOrCreate(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        Secrets secrets = new Secrets(dataDir.resolve("secrets.properties"));
        if (Files.exists(secrets.file)) {
            try (Reader reader = Files.newBufferedReader(secrets.file)) {
                secrets.values.load(reader);
            }
        }
        return secrets;
    }

    /** The secrets of an existing data folder; refuses a folder where no platform ever started. */
    public static Secrets existing(Path dataDir) throws IOException {
        if (!Files.isRegularFile(dataDir.resolve("secrets.properties"))) {
            throw new IOException("aucune plateforme Civis dans " + dataDir + " (fichier secrets.properties absent)");
        }
        return loadOrCreate(dataDir);
    }

    /** The named secret, drawn (192 random bits, URL-safe) and saved the first time it is asked for. */
    public synchronized String get(String name) throws IOException {
        String value = values.getProperty(name);
        if (value == null) {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            values.setProperty(name, value);
            save();
        }
        return value;
    }

    /** The password of the role that owns {@code database} (and runs its migrations). */
    public String databasePassword(String database) throws IOException {
        return get("postgres." + database + ".password");
    }

    /** The password of {@code database}'s runtime role, where a service connects with fewer rights than the owner. */
    public String runtimeRolePassword(String database) throws IOException {
        return get("postgres." + database + "_app.password");
    }

    public Path file() {
        return file;
    }

    private void save() throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer writer = Files.newBufferedWriter(temporary)) {
            values.store(writer, "Civis development secrets. Keep private; delete to draw new ones (with the data).");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
