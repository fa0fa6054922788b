package fr.civis.bench;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs {@link SealingBenchmark} with JMH (every JMH command-line option works, e.g. {@code -p segmentSize=32768}
 * or {@code -f 3}), then prints the ratios sealing/raw and opening/raw per document and segment size, from the
 * mean scores ({@code -Dbench.best=true}: from each benchmark's best iteration).
 */
public final class CryptoBenchmarks {

    private CryptoBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions options = new CommandLineOptions(args);
        if (options.shouldHelp() || options.shouldList() || options.shouldListProfilers()
                || options.shouldListResultFormats() || options.shouldListWithParams()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Collection<RunResult> results = new Runner(options).run();
        printRatios(results);
    }

    static void printRatios(Collection<RunResult> results) {
        Map<Integer, double[]> raw = new TreeMap<>(); // size → {seal µs, open µs}
        Map<Integer, Map<Integer, double[]>> streaming = new TreeMap<>(); // size → segment → {seal µs, open µs}
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            int size = Integer.parseInt(result.getParams().getParam("size"));
            // Mean by default; -Dbench.best=true takes each benchmark's best iteration instead (a shared machine only
            // ever adds time to an iteration).
            double score = Boolean.getBoolean("bench.best") ? result.getPrimaryResult().getStatistics().getMin()
                    : result.getPrimaryResult().getScore();
            switch (method) {
                case "rawSeal" -> raw.computeIfAbsent(size, k -> new double[2])[0] = score;
                case "rawOpen" -> raw.computeIfAbsent(size, k -> new double[2])[1] = score;
                case "seal", "open" -> {
                    int segment = Integer.parseInt(result.getParams().getParam("segmentSize"));
                    double[] scores = streaming.computeIfAbsent(size, k -> new TreeMap<>())
                            .computeIfAbsent(segment, k -> new double[2]);
                    scores[method.equals("seal") ? 0 : 1] = score;
                }
                default -> { }
            }
        }
        System.out.println();
        System.out.println("| document | segment | raw GCM enc MB/s | sealing MB/s | sealing/raw | raw GCM dec MB/s | opening MB/s | opening/raw |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (var bySize : streaming.entrySet()) {
            int size = bySize.getKey();
            double[] r = raw.getOrDefault(size, new double[2]);
            for (var bySegment : bySize.getValue().entrySet()) {
                double[] s = bySegment.getValue();
                System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", human(size), human(bySegment.getKey()),
                        mbps(size, r[0]), mbps(size, s[0]), ratio(r[0], s[0]),
                        mbps(size, r[1]), mbps(size, s[1]), ratio(r[1], s[1]));
            }
        }
    }

    /** MB/s (10^6 bytes) from a size and a time per operation in µs. */
    private static String mbps(int size, double micros) {
        return micros <= 0 ? "–" : String.format("%.0f", size / micros);
    }

    private static String ratio(double rawMicros, double micros) {
        return rawMicros <= 0 || micros <= 0 ? "–" : String.format("%.2f", rawMicros / micros);
    }

    private static String human(int bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        if (bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " B";
    }
}
