package fr.civis.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/** The vault's document API, called as a citizen's browser would, with that citizen's token. */
final class VaultApi {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String baseUrl;
    private final String token;

    VaultApi(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    String token() {
        return token;
    }

    HttpResponse<String> upload(byte[] content, String filename, Map<String, String> fields, String idempotencyKey)
            throws Exception {
        String boundary = "civis-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 1024);
        Map<String, String> ordered = new LinkedHashMap<>(fields);
        for (var field : ordered.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/documents"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> upload(byte[] content, String filename) throws Exception {
        return upload(content, filename, Map.of("type", "justificatif-domicile", "title", "Facture d'électricité"), null);
    }

    HttpResponse<byte[]> download(String id) throws Exception {
        return HTTP.send(request("/api/v1/documents/" + id + "/content").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<InputStream> stream(String path) throws Exception {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * A body read to its end, and how that end came: {@code failure} is null when the transfer completed, the
     * exception the client saw when the connection ended first.
     */
    record Transfer(byte[] received, IOException failure, Duration took) {
    }

    static Transfer readToTheEnd(HttpResponse<InputStream> response) {
        Instant begin = Instant.now();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        IOException failure = null;
        try (InputStream body = response.body()) {
            body.transferTo(received);
        } catch (IOException cut) {
            failure = cut;
        }
        return new Transfer(received.toByteArray(), failure, Duration.between(begin, Instant.now()));
    }

    HttpResponse<byte[]> getBytes(String path) throws Exception {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> patch(String id, String json) throws Exception {
        return HTTP.send(request("/api/v1/documents/" + id)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** DELETE on a path, expecting {@code status}. */
    HttpResponse<String> delete(String path, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new AssertionError("DELETE " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    HttpResponse<String> post(String path) throws Exception {
        return HTTP.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json) throws Exception {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> putJson(String path, String json) throws Exception {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String id) throws Exception {
        return HTTP.send(request("/api/v1/documents/" + id).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token);
    }

    static JsonNode json(HttpResponse<String> response) {
        return KeycloakClient.JSON.readTree(response.body());
    }

    /**
     * A real PDF of {@code pages} pages, each a blue rectangle, which also carries what a preview must never hand to a
     * browser: a script run on opening.
     */
    static byte[] drawnPdf(int pages) {
        StringBuilder pdf = new StringBuilder("%PDF-1.7\n");
        java.util.List<Integer> offsets = new java.util.ArrayList<>();
        java.util.function.Consumer<String> object = body -> {
            offsets.add(pdf.length());
            pdf.append(offsets.size()).append(" 0 obj\n").append(body).append("\nendobj\n");
        };
        StringBuilder kids = new StringBuilder();
        for (int page = 0; page < pages; page++) {
            kids.append(4 + 2 * page).append(" 0 R ");
        }
        object.accept("<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>");
        object.accept("<< /Type /Pages /Kids [" + kids + "] /Count " + pages + " >>");
        object.accept("<< /S /JavaScript /JS (app.alert('civis')) >>");
        String drawing = "0 0 1 rg 20 20 160 60 re f";
        for (int page = 0; page < pages; page++) {
            object.accept("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents " + (5 + 2 * page) + " 0 R >>");
            object.accept("<< /Length " + drawing.length() + " >>\nstream\n" + drawing + "\nendstream");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(offsets.size() + 1).append("\n0000000000 65535 f \n");
        offsets.forEach(offset -> pdf.append("%010d 00000 n \n".formatted(offset)));
        pdf.append("trailer\n<< /Size ").append(offsets.size() + 1).append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref).append("\n%%EOF\n");
        return pdf.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A PDF as far as content sniffing goes, followed by {@code size} bytes in all, filler included. */
    static byte[] pdf(int size) {
        byte[] content = new byte[size];
        new java.util.Random(size).nextBytes(content);
        byte[] header = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, content, 0, Math.min(header.length, size));
        return content;
    }
}
