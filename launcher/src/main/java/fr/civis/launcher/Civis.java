package fr.civis.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./civis up [--nodes N]}: starts the platform, prints where to go, stops everything cleanly on Ctrl-C. With
 * {@code --nodes 2} (or {@code CIVIS_NODES=2}), two nodes of Keycloak, consent-service and vault-service.
 * {@code ./civis backup DIR}: a consistent backup of the running platform; {@code ./civis restore DIR}: a backup onto
 * a fresh data folder (docs/adr/0018-backup-consistency.md).
 */
public final class Civis {

    private Civis() {
    }

    public static void main(String[] args) throws Exception {
        boolean nodesOption = args.length == 4 && args[0].equals("up") && args[2].equals("--nodes");
        boolean up = (args.length == 2 && args[0].equals("up")) || nodesOption;
        boolean backupOrRestore = args.length == 3 && (args[0].equals("backup") || args[0].equals("restore"));
        if (!up && !backupOrRestore) {
            System.err.println("Usage : Civis up <dossier runtime> [--nodes N] | Civis backup|restore <dossier runtime> "
                    + "<dossier>");
            System.exit(2);
        }
        // --nodes wins over CIVIS_NODES.
        PlatformSettings settings;
        try {
            settings = PlatformSettings.fromEnvironment(Path.of(args[1]).toAbsolutePath(),
                    name -> nodesOption && name.equals("CIVIS_NODES") ? args[3] : System.getenv(name));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
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
                %s
                Journaux : %s
                Ctrl-C arrête tout ; les données sont conservées.
                """.formatted(took.toSeconds(), settings.portalUrl(), settings.mairieDemoUrl(), settings.keycloakUrl(),
                platform.secrets().file(), settings.consentUrl(), settings.mailWebUrl(), ports.imap(), settings.s3Url(), ports.postgres(), demo,
                moreNodes(settings), settings.dataDir().resolve("logs"));
    }

    /** Where the other instances listen; the portal and mairie-demo stay on the first. */
    private static String moreNodes(PlatformSettings settings) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < settings.moreNodes().size(); i++) {
            var node = settings.moreNodes().get(i);
            text.append("Nœud %d : Keycloak %s, coffre (API) %s, consentements %s (même base, même stockage)%n"
                    .formatted(i + 2, settings.keycloakCluster() ? node.keycloakUrl() : "-", node.vaultUrl(),
                            node.consentUrl()));
        }
        if (!text.isEmpty()) {
            text.append("Le portail et mairie-demo utilisent le nœud 1 ; les jetons nomment l'émetteur du nœud 1.\n");
        }
        return text.toString();
    }
}
