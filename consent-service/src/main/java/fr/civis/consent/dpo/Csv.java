package fr.civis.consent.dpo;

import java.util.List;

/**
 * CSV (RFC 4180) for exports: comma-separated, CRLF, fields quoted when they hold a comma, a quote or a line break.
 * A field a spreadsheet would take for a formula ({@code = + - @}, tab, carriage return first) is prefixed with a
 * quote mark (OWASP "CSV injection"): journal fields such as a reason are text, never a formula.
 */
final class Csv {

    private Csv() {
    }

    static String of(List<String> header, List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        line(out, header);
        rows.forEach(row -> line(out, row));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
