package io.doorstep.relay.document;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Several listeners as one; a listener that throws is logged and does not stop the others or the upload. */
final class Listeners implements DocumentListener {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);
    private final List<DocumentListener> all;

    Listeners(List<DocumentListener> all) {
        this.all = List.copyOf(all);
    }

    @Override
    public void created(DocumentInfo document, DocumentParty by) {
        each(l -> l.created(document, by));
    }

    @Override
    public void progress(DocumentInfo document) {
        each(l -> l.progress(document));
    }

    @Override
    public void completed(DocumentInfo document) {
        each(l -> l.completed(document));
    }

    @Override
    public void read(DocumentInfo document, DocumentParty by) {
        each(l -> l.read(document, by));
    }

    @Override
    public void abandoned(DocumentInfo document, String reason) {
        each(l -> l.abandoned(document, reason));
    }

    @Override
    public void deleted(DocumentInfo document, String reason) {
        each(l -> l.deleted(document, reason));
    }

    private void each(Consumer<DocumentListener> call) {
        for (DocumentListener l : all) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.error("document listener {} failed", l.getClass().getName(), e);
            }
        }
    }
}
