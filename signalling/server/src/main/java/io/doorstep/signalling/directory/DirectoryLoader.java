package io.doorstep.signalling.directory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.doorstep.config.Resources;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Reads the directory and catalogue YAML files (formats in docs/operations.md). */
public final class DirectoryLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private DirectoryLoader() {
    }

    record CatalogueFile(List<SkillGroup> skillGroups, List<ServiceItem> items) {
    }

    record DirectoryFile(List<Station> stations, List<Agent> agents, List<Operator> operators) {
    }

    public static ServiceCatalogue catalogue(String location) {
        CatalogueFile f = read(location, CatalogueFile.class);
        return new ServiceCatalogue(orEmpty(f.skillGroups()), orEmpty(f.items()));
    }

    public static Directory directory(String location, ServiceCatalogue catalogue) {
        DirectoryFile f = read(location, DirectoryFile.class);
        return new Directory(orEmpty(f.stations()), orEmpty(f.agents()), orEmpty(f.operators()), catalogue);
    }

    private static <T> T read(String location, Class<T> type) {
        try (InputStream in = Resources.open(location)) {
            T value = YAML.readValue(in, type);
            if (value == null) {
                throw new DirectoryException(location + " is empty");
            }
            return value;
        } catch (IOException e) {
            throw new DirectoryException("cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
