package io.doorstep.loadtest;

import io.doorstep.loadtest.documents.DocumentLoad;
import io.doorstep.loadtest.probe.CpuAccount;
import io.doorstep.loadtest.relay.RelayBench;
import io.doorstep.loadtest.report.ReportOptions;
import io.doorstep.loadtest.report.RunReport;
import io.doorstep.loadtest.report.Series;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(abbreviateSynopsis = true, name = "documents", mixinStandardHelpOptions = true,
        description = {"Concurrent document uploads against a running document relay, each followed by its own "
                + "reader: throughput of all uploads together and first-byte latency at the readers (issue #7).",
                "A preset sets the load; any option given overrides it."})
final class DocumentsCommand implements Callable<Integer> {
    /** The loads this scenario is usually run with. */
    enum Preset {
        /** Issue #7: 50 scans of 5 MB at once. */
        ISSUE(50, 5 * 1024 * 1024, 64 * 1024, 10, Duration.ofSeconds(1)),
        /** Seconds long, for trying the tool out and for CI. */
        SMALL(4, 256 * 1024, 16 * 1024, 0, Duration.ofMillis(200));

        final int uploads;
        final int size;
        final int chunk;
        final int warmup;
        final Duration interval;

        Preset(int uploads, int size, int chunk, int warmup, Duration interval) {
            this.uploads = uploads;
            this.size = size;
            this.chunk = chunk;
            this.warmup = warmup;
            this.interval = interval;
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--relay", defaultValue = "127.0.0.1:8642",
            description = "host:port of the document relay (default ${DEFAULT-VALUE}).")
    String relay;

    @Option(names = "--secret", defaultValue = "${env:DOORSTEP_DOCUMENTS_TOKEN_SECRET}",
            description = "The relay's documents.token-secret (default: env DOORSTEP_DOCUMENTS_TOKEN_SECRET).")
    String secret;

    @Option(names = "--preset", defaultValue = "issue",
            description = "issue (50 uploads of 5 MiB at once, 10 warm-up uploads) or small (4 of 256 KiB) "
                    + "(default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--uploads", description = "Uploads at once, each with its reader.")
    Integer uploads;

    @Option(names = "--size", description = "Bytes of a scan (rounded down to whole chunks).")
    Integer size;

    @Option(names = "--chunk", description = "Bytes an uploader sends before waiting for its reader to have them.")
    Integer chunk;

    @Option(names = "--warmup", description = "Uploads one after another before measuring, for the relay's JIT.")
    Integer warmup;

    @Option(names = "--interval", description = "Length of a point of the charts.")
    Duration interval;

    @Option(names = "--timeout", defaultValue = "10m",
            description = "Longest the measured uploads may take together (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--server-pid", description = "The relay's process id, for its CPU (same machine).")
    Long serverPid;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() throws Exception {
        DocumentLoad.Settings settings = settings();
        DocumentLoad.Result r = new DocumentLoad(settings)
                .run(new CpuAccount(serverPid == null ? List.of() : List.of(serverPid)));
        System.out.println(Reports.format("documents: %d uploads of %d bytes at once, each with a reader: %d "
                        + "completed, %d failed, %.1f MiB/s together in %.2f s; first byte p50 %.3f ms, p99 %.3f ms",
                settings.uploads(), settings.scanBytes(), r.completed(), r.failed(),
                r.mibPerSecond(), r.seconds(), r.firstByte().getValueAtPercentile(50) / 1e6,
                r.firstByte().getValueAtPercentile(99) / 1e6));
        r.errors().forEach((message, n) -> System.out.println("  failed: " + message + " x " + n));
        return report.publish(report(settings, r), r.failed() == 0 ? 0 : 1);
    }

    /** The preset with the options given over it; a clear error for a load that cannot run. */
    DocumentLoad.Settings settings() {
        Preset p = switch (preset) {
            case "issue" -> Preset.ISSUE;
            case "small" -> Preset.SMALL;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown --preset '" + preset + "': issue or small");
        };
        if (secret == null || secret.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "the relay's token secret is needed: --secret or env DOORSTEP_DOCUMENTS_TOKEN_SECRET");
        }
        try {
            InetSocketAddress target = RelayBench.address(relay);
            return new DocumentLoad.Settings(target, secret, or(uploads, p.uploads), or(size, p.size),
                    or(chunk, p.chunk), or(warmup, p.warmup), interval == null ? p.interval : interval, timeout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static int or(Integer given, int preset) {
        return given == null ? preset : given;
    }

    private RunReport report(DocumentLoad.Settings s, DocumentLoad.Result r) {
        RunReport.Builder b = new RunReport.Builder("documents")
                .config("relay", s.relay().getHostString() + ":" + s.relay().getPort())
                .config("preset", preset).config("chunk bytes", s.chunk()).config("warm-up uploads", s.warmup())
                .config("interval", s.interval())
                .load("uploads at once, each with a reader", s.uploads())
                .load("scan bytes", s.scanBytes());
        b.metric("throughput, all uploads together", r.mibPerSecond(), "MiB/s", RunReport.Kind.THROUGHPUT);
        Series.latency(b, "first byte at the reader", r.firstByte());
        Series.latency(b, "upload, PATCH to 204", r.uploadTime());
        b.metric("uploads completed", r.completed(), "", RunReport.Kind.INFO);
        b.metric("uploads failed", r.failed(), "", RunReport.Kind.FAULTS);
        b.metric("relay cores", r.cpu().server(), "cores", RunReport.Kind.LATENCY);
        b.metric("other work on the machine", r.cpu().other(), "cores", RunReport.Kind.INFO);
        b.chart(Series.latencyChart("First byte at the reader (ms)", "s", r.slices(), DocumentLoad.Slice::at,
                DocumentLoad.Slice::firstByte));
        Map<String, ToDoubleFunction<DocumentLoad.Slice>> throughput = new LinkedHashMap<>();
        throughput.put("all uploads", DocumentLoad.Slice::mibPerSecond);
        b.chart(Series.chart("Throughput (MiB/s)", "s", "MiB/s", r.slices(), DocumentLoad.Slice::at, throughput));
        b.chart(Series.cpuChart(r.slices(), DocumentLoad.Slice::at, DocumentLoad.Slice::cpu));
        r.errors().forEach((message, n) -> b.note("failed: " + message + " x " + n));
        return b.build(r.failed() == 0 ? "ok" : r.failed() + " uploads failed");
    }
}
