package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Optional;
import javax.print.DocFlavor;
import javax.print.DocPrintJob;
import javax.print.PrintException;
import javax.print.PrintService;
import javax.print.PrintServiceLookup;
import javax.print.SimpleDoc;
import javax.print.attribute.HashPrintRequestAttributeSet;
import javax.print.attribute.PrintRequestAttributeSet;
import javax.print.attribute.standard.Copies;
import javax.print.attribute.standard.JobName;
import javax.print.attribute.standard.PrinterIsAcceptingJobs;
import javax.print.attribute.standard.PrinterState;
import javax.print.attribute.standard.PrinterStateReason;
import javax.print.attribute.standard.PrinterStateReasons;

/**
 * A printer of this machine through {@code javax.print} (CUPS on Linux). Documents go to the printer as they are:
 * the service must take the document's type directly (most CUPS queues take PDF and JPEG); if it does not, the job
 * fails with a reason saying so rather than printing something else. Health comes from the printer's IPP state.
 */
public final class SystemPrinter implements Printer {
    private final PrintService service;

    public SystemPrinter(PrintService service) {
        this.service = service;
    }

    /** The system's default printer, if one is configured. */
    public static Optional<SystemPrinter> systemDefault() {
        return Optional.ofNullable(PrintServiceLookup.lookupDefaultPrintService()).map(SystemPrinter::new);
    }

    /** The printer of that name (as CUPS lists it). */
    public static Optional<SystemPrinter> named(String name) {
        return Arrays.stream(PrintServiceLookup.lookupPrintServices(null, null))
                .filter(s -> s.getName().equals(name)).findFirst().map(SystemPrinter::new);
    }

    @Override
    public Devices.Health health() {
        PrinterStateReasons reasons = service.getAttribute(PrinterStateReasons.class);
        if (reasons != null && (reasons.containsKey(PrinterStateReason.MEDIA_EMPTY)
                || reasons.containsKey(PrinterStateReason.MEDIA_NEEDED))) {
            return health(Devices.State.OUT_OF_PAPER, "media-empty");
        }
        PrinterState state = service.getAttribute(PrinterState.class);
        if (state == PrinterState.STOPPED) {
            return health(Devices.State.ERROR, "stopped");
        }
        PrinterIsAcceptingJobs accepting = service.getAttribute(PrinterIsAcceptingJobs.class);
        if (accepting == PrinterIsAcceptingJobs.NOT_ACCEPTING_JOBS) {
            return health(Devices.State.NOT_READY, "not accepting jobs");
        }
        return health(Devices.State.READY, null);
    }

    private Devices.Health health(Devices.State state, String detail) {
        String name = service.getName();
        return new Devices.Health(kind(), state, name.length() <= 64 ? name : name.substring(0, 64), detail);
    }

    @Override
    public void print(String jobId, byte[] document, String mediaType, int copies) throws DeviceException {
        DocFlavor flavor = switch (mediaType) {
            case "application/pdf" -> DocFlavor.INPUT_STREAM.PDF;
            case "image/jpeg" -> DocFlavor.INPUT_STREAM.JPEG;
            case "image/png" -> DocFlavor.INPUT_STREAM.PNG;
            default -> throw new DeviceException("cannot print " + mediaType);
        };
        if (!service.isDocFlavorSupported(flavor)) {
            throw new DeviceException("printer " + service.getName() + " does not take " + mediaType + " directly");
        }
        PrintRequestAttributeSet attributes = new HashPrintRequestAttributeSet();
        attributes.add(new Copies(copies));
        attributes.add(new JobName("doorstep " + jobId, null));
        DocPrintJob job = service.createPrintJob();
        try {
            job.print(new SimpleDoc(new ByteArrayInputStream(document), flavor, null), attributes);
        } catch (PrintException e) {
            throw new DeviceException("printer " + service.getName() + " refused the job: " + e.getMessage(), e);
        }
    }
}
