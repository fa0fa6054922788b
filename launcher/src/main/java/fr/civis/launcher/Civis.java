package fr.civis.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/** {@code ./civis up}: starts the platform, prints where to go, stops everything cleanly on Ctrl-C. */
public final class Civis {

    private Civis() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("up")) {
            System.err.println("Usage : Civis up <dossier runtime>");
            System.exit(2);
        }
        PlatformSettings settings = PlatformSettings.fromEnvironment(Path.of(args[1]).toAbsolutePath(), System::getenv);
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
