package fr.civis.vault.safe;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.springframework.stereotype.Component;

import fr.civis.vault.crypto.Digests;
import fr.civis.vault.citizen.Owner;
import fr.civis.vault.consent.CitizenConsents;
import fr.civis.vault.document.Document;
import fr.civis.vault.document.DocumentPage;
import fr.civis.vault.document.DocumentReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything in the safe as one ZIP, streamed: each document decrypted and checked, its metadata as JSON, and a
 * manifest giving each file's SHA-256 so the citizen can check the archive is complete and intact (portability,
 * décret 2018-853). Open formats only: the files as they were given, JSON, plain text.
 */
@Component
class SafeExport {

    private static final int PAGE = 100;

    private final DocumentReader documents;
    private final JsonMapper json;
    private final Clock clock;

    SafeExport(DocumentReader documents, JsonMapper json, Clock clock) {
        this.documents = documents;
        this.json = json;
        this.clock = clock;
    }

    void write(Owner owner, Optional<CitizenConsents.History> consents, OutputStream out) throws IOException {
        List<Map<String, Object>> files = new ArrayList<>();
        // Closed only once whole: closing it on a failure would end the archive well formed, a document cut short and
        // the rest missing, and the citizen would take it for their whole safe. Unclosed, its deflater is freed by
        // its cleaner, and the response is cut (CutResponses) so the download fails for all to see.
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        int index = 0;
        for (int page = 0; ; page++) {
            DocumentPage batch = documents.list(owner, Optional.empty(), page, PAGE);
            for (Document document : batch.items()) {
                index++;
                String base = "documents/%03d-%s".formatted(index, document.filename());
                files.add(entry(zip, base, out2 -> documents.content(owner, document.id()).body().writeTo(out2)));
                files.add(entry(zip, base + ".json", out2 -> out2.write(json.writeValueAsBytes(document))));
            }
            if (page + 1 >= batch.totalPages()) {
                break;
            }
        }
        if (consents.isPresent()) {
            CitizenConsents.History history = consents.get();
            files.add(entry(zip, "consentements/consentements.json", out2 -> out2.write(
                    json.writerWithDefaultPrettyPrinter().writeValueAsBytes(history.consents()))));
            for (Map.Entry<String, String> receipt : history.receipts().entrySet()) {
                files.add(entry(zip, "consentements/recus/" + receipt.getKey() + ".jws",
                        out2 -> out2.write(receipt.getValue().getBytes(StandardCharsets.US_ASCII))));
            }
            files.add(entry(zip, "consentements/acces.json", out2 -> out2.write(
                    json.writerWithDefaultPrettyPrinter().writeValueAsBytes(history.accesses()))));
        } else {
            files.add(entry(zip, "consentements/INDISPONIBLE.txt",
                    out2 -> out2.write(CONSENTS_UNAVAILABLE.getBytes(StandardCharsets.UTF_8))));
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", "civis-export/1");
        manifest.put("exportedAt", clock.instant().toString());
        manifest.put("subject", owner.subject());
        manifest.put("documentCount", index);
        manifest.put("consents", consents.isPresent() ? "included" : "unavailable");
        manifest.put("files", files);
        entry(zip, "manifest.json", out2 -> out2.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest)));
        entry(zip, "LISEZ-MOI.txt", out2 -> out2.write(README.getBytes(StandardCharsets.UTF_8)));
        zip.close();
    }

    private static final String README = """
            Export de votre coffre Civis

            documents/   vos documents, tels que vous les avez déposés, et pour chacun un fichier .json
                         (type, titre, dates, empreinte SHA-256)
            manifest.json  la liste de tous les fichiers de cette archive avec leur taille et leur empreinte
                         SHA-256 : elle permet de vérifier que l'archive est complète et intacte
                         (par exemple : sha256sum documents/*)

            consentements/consentements.json  vos consentements : à quel service, pour quelle finalité,
                         quels documents, depuis quand et jusqu'à quand, révoqués ou non
            consentements/recus/   le reçu signé de chaque consentement (JWS) : il se vérifie avec les clés
                         publiques du service des consentements (/.well-known/jwks.json)
            consentements/acces.json  l'historique des accès à vos documents, refus compris
            """;

    private static final String CONSENTS_UNAVAILABLE = """
            Le service des consentements ne répondait pas au moment de cet export : vos consentements, leurs
            reçus et l'historique des accès n'y figurent pas. Vos documents, eux, sont tous là.
            Refaites un export un peu plus tard pour les obtenir.
            """;

    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes one entry and returns what the manifest says of it. */
    private static Map<String, Object> entry(ZipOutputStream zip, String name, Content content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        MessageDigest sha256 = Digests.sha256();
        CountingStream counting = new CountingStream(zip);
        content.writeTo(new DigestOutputStream(counting, sha256));
        zip.closeEntry();
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("path", name);
        file.put("size", counting.count);
        file.put("sha256", HexFormat.of().formatHex(sha256.digest()));
        return file;
    }

    /** Counts bytes and keeps the ZIP open when an entry's writer closes its stream. */
    private static final class CountingStream extends FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
