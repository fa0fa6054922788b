package fr.civis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.minio.Checksum;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

/**
 * The least that any service standing between a citizen and S3 has to do: take the body of a request and pass it to
 * S3, or fetch an object and pass it on, with the same SDK, part size and checksum as the vault — no token, no
 * database, no content sniffing, no crypto, no digest, no scan. It shows what the extra HTTP hop alone costs on this
 * machine, so that the vault's ratio to raw S3 can be read against what no design that decrypts on the server
 * could beat. Served by the JDK's HTTP server on loopback, from the benchmark's JVM.
 */
final class BareRelay implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final MinioClient s3;
    private final String bucket;
    private final Checksum.Algorithm checksum;
    private final long partSize;

    BareRelay(MinioClient s3, String bucket, Checksum.Algorithm checksum, long partSize) throws IOException {
        this.s3 = s3;
        this.bucket = bucket;
        this.checksum = checksum;
        this.partSize = partSize;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/o/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url(String objectName) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/o/" + objectName;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring("/o/".length());
        try (exchange) {
            switch (exchange.getRequestMethod()) {
                case "PUT" -> {
                    try (InputStream body = exchange.getRequestBody()) {
                        // Unknown size, as the vault stores a document whose length it learns at the end.
                        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(name).stream(body, -1L, partSize)
                                .contentType("application/octet-stream").checksum(checksum).build());
                    }
                    exchange.sendResponseHeaders(201, -1);
                }
                case "GET" -> {
                    try (GetObjectResponse object = s3.getObject(
                            GetObjectArgs.builder().bucket(bucket).object(name).build())) {
                        exchange.sendResponseHeaders(200, Long.parseLong(object.headers().get("Content-Length")));
                        try (OutputStream out = exchange.getResponseBody()) {
                            object.transferTo(out);
                        }
                    }
                }
                default -> exchange.sendResponseHeaders(405, -1);
            }
        } catch (Exception e) {
            // The benchmark checks every status and byte count: a failure here stops it.
            System.err.println("relay " + exchange.getRequestMethod() + " failed: " + e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
