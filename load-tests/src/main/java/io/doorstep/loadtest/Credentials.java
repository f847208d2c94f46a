package io.doorstep.loadtest;

import io.doorstep.protocol.Role;
import io.doorstep.signalling.auth.TokenService;
import io.doorstep.signalling.directory.Agent;
import io.doorstep.signalling.directory.Directory;
import io.doorstep.signalling.directory.DirectoryLoader;
import io.doorstep.signalling.directory.ServiceCatalogue;
import io.doorstep.signalling.directory.ServiceItem;
import io.doorstep.signalling.directory.Station;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Who the bench signs in as: stations and agents of the directory file the server reads, with tokens signed by the
 * server's HS256 secret, and the service items of its catalogue.
 */
public final class Credentials {
    private static final Duration TOKEN_TTL = Duration.ofHours(2);
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final Directory directory;
    private final ServiceCatalogue catalogue;
    private final TokenService tokens;

    public Credentials(String directoryFile, String catalogueLocation, String hs256Secret) {
        this.catalogue = DirectoryLoader.catalogue(catalogueLocation);
        this.directory = DirectoryLoader.directory(directoryFile, catalogue);
        this.tokens = new TokenService(TokenService.secretBytes(hs256Secret), null, "doorstep", "doorstep",
                CLOCK_SKEW, directory, Clock.systemUTC());
    }

    /** The first {@code n} stations of the directory. */
    public List<String> stations(int n) {
        return first(directory.stations().stream().map(Station::id).toList(), n, "stations");
    }

    /** The first {@code n} agents of the directory. */
    public List<String> agents(int n) {
        return first(directory.agents().stream().map(Agent::id).toList(), n, "agents");
    }

    public List<String> serviceItems() {
        return catalogue.items().stream().map(ServiceItem::code).toList();
    }

    public ServiceCatalogue catalogue() {
        return catalogue;
    }

    public String token(String id, Role role) {
        return tokens.issue(id, role, TOKEN_TTL);
    }

    private static List<String> first(Collection<String> ids, int n, String what) {
        if (ids.size() < n) {
            throw new IllegalArgumentException("the directory lists only " + ids.size() + " " + what + ", not " + n
                    + "; generate a bigger one with `SignallingBench directory`");
        }
        return ids.stream().limit(n).toList();
    }
}
