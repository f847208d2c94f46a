package io.doorstep.loadtest.report;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's report as three files: JSON (what {@code compare} reads), Markdown (to paste into docs) and a
 * self-contained HTML page with the charts. Each is written under a name with the scenario and the start time, and
 * copied to {@code <scenario>-latest.*}, so the previous run is always at hand to compare against.
 */
public final class ReportFiles {
    /** NaN (a figure not known) is written as the string "NaN": plain JSON has no such number. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** The files written for one run. */
    public record Written(Path json, Path markdown, Path html) {
    }

    private ReportFiles() {
    }

    public static Written write(Path dir, RunReport report) throws IOException {
        Files.createDirectories(dir);
        String stem = report.scenario() + "-" + report.startedAt().replace(":", "").replace("-", "");
        Written written = new Written(dir.resolve(stem + ".json"), dir.resolve(stem + ".md"),
                dir.resolve(stem + ".html"));
        JSON.writeValue(written.json().toFile(), report);
        Files.writeString(written.markdown(), markdown(report));
        Files.writeString(written.html(), html(report));
        for (Path p : List.of(written.json(), written.markdown(), written.html())) {
            String name = p.getFileName().toString();
            Files.copy(p, dir.resolve(report.scenario() + "-latest" + name.substring(name.lastIndexOf('.'))),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        return written;
    }

    public static RunReport read(Path json) throws IOException {
        return JSON.readValue(json.toFile(), RunReport.class);
    }

    static String markdown(RunReport r) {
        StringBuilder out = new StringBuilder("# " + r.scenario() + " — " + r.startedAt() + "\n\n");
        out.append("Verdict: **").append(r.verdict()).append("**\n\n");
        out.append("## Results\n\n| metric | value | unit |\n|---|---:|---|\n");
        r.metrics().forEach((name, m) -> out.append("| ").append(name).append(" | ").append(value(m.value()))
                .append(" | ").append(m.unit()).append(" |\n"));
        section(out, "Load", r.load());
        section(out, "Configuration", r.config());
        section(out, "Machine and versions", r.environment());
        if (!r.notes().isEmpty()) {
            out.append("\n## Notes\n\n");
            r.notes().forEach(n -> out.append("- ").append(n).append('\n'));
        }
        if (!r.charts().isEmpty()) {
            out.append("\nCharts: the HTML report beside this file.\n");
        }
        return out.toString();
    }

    private static void section(StringBuilder out, String title, Map<String, String> rows) {
        out.append("\n## ").append(title).append("\n\n| | |\n|---|---|\n");
        rows.forEach((k, v) -> out.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n"));
    }

    static String html(RunReport r) {
        StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>" + SvgChart.escape(r.scenario() + " " + r.startedAt()) + "</title><style>"
                + "body{font-family:sans-serif;max-width:60em;margin:1em auto;color:#222}"
                + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px}"
                + "td.n{text-align:right;font-variant-numeric:tabular-nums}</style></head><body>\n");
        out.append("<h1>").append(SvgChart.escape(r.scenario())).append(" — ")
                .append(SvgChart.escape(r.startedAt())).append("</h1>\n<p>Verdict: <b>")
                .append(SvgChart.escape(r.verdict())).append("</b></p>\n<h2>Results</h2>\n<table>")
                .append("<tr><th>metric</th><th>value</th><th>unit</th></tr>\n");
        r.metrics().forEach((name, m) -> out.append("<tr><td>").append(SvgChart.escape(name))
                .append("</td><td class=\"n\">").append(value(m.value())).append("</td><td>")
                .append(SvgChart.escape(m.unit())).append("</td></tr>\n"));
        out.append("</table>\n");
        r.charts().forEach(c -> out.append("<figure>").append(SvgChart.render(c)).append("</figure>\n"));
        htmlSection(out, "Load", r.load());
        htmlSection(out, "Configuration", r.config());
        htmlSection(out, "Machine and versions", r.environment());
        if (!r.notes().isEmpty()) {
            out.append("<h2>Notes</h2>\n<ul>");
            r.notes().forEach(n -> out.append("<li>").append(SvgChart.escape(n)).append("</li>\n"));
            out.append("</ul>\n");
        }
        return out.append("</body></html>\n").toString();
    }

    private static void htmlSection(StringBuilder out, String title, Map<String, String> rows) {
        out.append("<h2>").append(title).append("</h2>\n<table>\n");
        rows.forEach((k, v) -> out.append("<tr><td>").append(SvgChart.escape(k)).append("</td><td>")
                .append(SvgChart.escape(v)).append("</td></tr>\n"));
        out.append("</table>\n");
    }

    private static String value(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }
}
