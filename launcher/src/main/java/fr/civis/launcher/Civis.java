package fr.civis.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./civis up}: starts the platform, prints where to go, stops everything cleanly on Ctrl-C.
 * {@code ./civis backup DIR}: a consistent backup of the running platform; {@code ./civis restore DIR}: a backup onto
 * a fresh data folder (docs/adr/0018-backup-consistency.md).
 */
public final class Civis {

    private Civis() {
    }

    public static void main(String[] args) throws Exception {
        boolean up = args.length == 2 && args[0].equals("up");
        boolean backupOrRestore = args.length == 3 && (args[0].equals("backup") || args[0].equals("restore"));
        if (!up && !backupOrRestore) {
            System.err.println("Usage : Civis up <dossier runtime> | Civis backup|restore <dossier runtime> <dossier>");
            System.exit(2);
        }
        PlatformSettings settings = PlatformSettings.fromEnvironment(Path.of(args[1]).toAbsolutePath(), System::getenv);
        if (backupOrRestore) {
            System.exit(args[0].equals("backup") ? backup(settings, Path.of(args[2]).toAbsolutePath())
                    : restore(settings, Path.of(args[2]).toAbsolutePath()));
        }
        Instant begin = Instant.now();
        System.out.println("Démarrage de Civis (données dans " + settings.dataDir() + ")");
        Platform platform;
        try {
            platform = Platform.start(settings, step -> System.out.println("  " + step));
        } catch (Exception e) {
            System.err.println("Civis n'a pas pu démarrer : " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nArrêt de Civis…");
            platform.close();
            System.out.println("Civis est arrêté. Les données restent dans " + settings.dataDir());
            stopped.countDown();
        }, "civis-shutdown"));
        System.out.println(ready(settings, platform, Duration.between(begin, Instant.now())));
        stopped.await();
    }

    private static int backup(PlatformSettings settings, Path target) {
        System.out.println("Sauvegarde de Civis (" + settings.dataDir() + ") dans " + target);
        try {
            Backup.Summary done = Backup.run(settings, target, step -> System.out.println("  " + step));
            System.out.printf("Sauvegarde terminée en %d s : %d documents (%d Mo), %d lignes.%n",
                    done.took().toSeconds(), done.objects(), done.objectBytes() / 1_000_000, done.rows());
            System.out.println("Le dossier keys/ contient de quoi tout déchiffrer : le conserver à part des données.");
            return 0;
        } catch (Exception e) {
            System.err.println("La sauvegarde a échoué (rien d'utilisable dans " + target + ") : " + e.getMessage());
            return 1;
        }
    }

    private static int restore(PlatformSettings settings, Path source) {
        System.out.println("Restauration de " + source + " dans " + settings.dataDir());
        try (Platform platform = Restore.run(settings, source, step -> System.out.println("  " + step),
                done -> System.out.printf("Restauration terminée en %d s : %d documents, %d lignes.%n",
                        done.took().toSeconds(), done.objects(), done.rows()))) {
            System.out.println("Lancez ./civis up pour servir les données restaurées.");
            return 0;
        } catch (Exception e) {
            System.err.println("La restauration a échoué : " + e.getMessage());
            return 1;
        }
    }

    private static String ready(PlatformSettings settings, Platform platform, Duration took) {
        var ports = settings.ports();
        String demo = settings.devData() ? """

                Comptes de démonstration (mot de passe : coffre-demo-2026)
                  camille.martin   habitante
                  agent.dupont     agent municipal
                  dpo.bernard      délégué à la protection des données
                  admin.civis      administrateur
                """ : "\n";
        return """

                Civis est prêt (%d s).

                  Mon coffre (portail des habitants)  %s/
                  Inscription à la crèche (mairie)    %s/
                  Keycloak, console d'administration  %s/admin/  (utilisateur admin, mot de passe dans %s)
                  Service des consentements           %s/v3/api-docs
                  Messages envoyés (GreenMail)        %s/  (IMAP sur le port %d, sans mot de passe)
                  Stockage S3 (s3proxy)               %s  (clés dans le fichier de secrets)
                  PostgreSQL                          127.0.0.1:%d  (bases keycloak, consent, vault)
                %s
                Journaux : %s
                Ctrl-C arrête tout ; les données sont conservées.
                """.formatted(took.toSeconds(), settings.portalUrl(), settings.mairieDemoUrl(), settings.keycloakUrl(),
                platform.secrets().file(), settings.consentUrl(), settings.mailWebUrl(), ports.imap(), settings.s3Url(), ports.postgres(), demo,
                settings.dataDir().resolve("logs"));
    }
}
