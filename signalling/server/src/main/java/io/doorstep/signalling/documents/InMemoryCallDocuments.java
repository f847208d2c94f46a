package io.doorstep.signalling.documents;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The single box's documents and print jobs, in this server's memory. */
public final class InMemoryCallDocuments implements CallDocuments {
    /** Event ids remembered to apply a retried or replayed post once; the relay retries within seconds. */
    private static final int REMEMBERED = 4096;

    private final Map<String, Map<String, Known>> documents = new HashMap<>();
    private final Map<String, Map<String, PrintJob>> jobs = new HashMap<>();
    private final Map<String, Boolean> seen = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    @Override
    public Optional<Known> get(String callId, String documentId) {
        return Optional.ofNullable(documents.getOrDefault(callId, Map.of()).get(documentId));
    }

    @Override
    public Collection<Known> all(String callId) {
        return List.copyOf(documents.getOrDefault(callId, Map.of()).values());
    }

    @Override
    public void put(String callId, Known document) {
        documents.computeIfAbsent(callId, c -> new LinkedHashMap<>()).put(document.documentId(), document);
    }

    @Override
    public void remove(String callId, String documentId) {
        Map<String, Known> ofCall = documents.get(callId);
        if (ofCall != null) {
            ofCall.remove(documentId);
        }
    }

    @Override
    public Optional<PrintJob> job(String callId, String jobId) {
        return Optional.ofNullable(jobs.getOrDefault(callId, Map.of()).get(jobId));
    }

    @Override
    public int jobCount(String callId) {
        return jobs.getOrDefault(callId, Map.of()).size();
    }

    @Override
    public void putJob(String callId, String jobId, PrintJob job) {
        jobs.computeIfAbsent(callId, c -> new HashMap<>()).put(jobId, job);
    }

    @Override
    public boolean firstTime(String eventId) {
        return seen.put(eventId, Boolean.TRUE) == null;
    }

    @Override
    public void forget(String callId) {
        documents.remove(callId);
        jobs.remove(callId);
    }
}
