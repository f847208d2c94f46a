package io.doorstep.signalling.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.protocol.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLoaderTest {
    static final String CATALOGUE = "classpath:defaults/catalogue.yaml";
    static final String DEMO = "classpath:defaults/directory-demo.yaml";

    @TempDir
    Path dir;

    private String write(String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f.toString();
    }

    @Test
    void theShippedCatalogueHas212UniqueWellFormedItems() {
        ServiceCatalogue catalogue = DirectoryLoader.catalogue(CATALOGUE);
        assertThat(catalogue.items()).hasSize(212);
        Set<String> codes = new HashSet<>();
        for (ServiceItem item : catalogue.items()) {
            assertThat(codes.add(item.code())).as("unique %s", item.code()).isTrue();
            // The format the catalogue's header documents.
            assertThat(item.code()).matches("[A-Z]{2,3}-[0-9]{3}");
            assertThat(item.handlingMinutes()).as(item.code()).isBetween(2, 60);
            assertThat(item.nameZh()).as(item.code()).isNotBlank();
            assertThat(item.nameEn()).as(item.code()).isNotBlank();
            assertThat(catalogue.hasSkillGroup(item.skillGroup())).isTrue();
        }
        assertThat(catalogue.item("MI-001")).hasValueSatisfying(i ->
                assertThat(i.skillGroup()).isEqualTo("medical-insurance"));
        // Every skill group has at least one item, or its queue could never fill.
        Set<String> used = catalogue.items().stream().map(ServiceItem::skillGroup).collect(Collectors.toSet());
        assertThat(catalogue.skillGroups()).extracting(SkillGroup::code).allMatch(used::contains);
    }

    @Test
    void everySkillGroupHasAgentsInTheDemoDirectory() {
        ServiceCatalogue catalogue = DirectoryLoader.catalogue(CATALOGUE);
        Directory directory = DirectoryLoader.directory(DEMO, catalogue);
        assertThat(directory.stations()).isNotEmpty();
        assertThat(directory.operators()).isNotEmpty();
        for (SkillGroup g : catalogue.skillGroups()) {
            assertThat(directory.agents()).as("agents for %s", g.code())
                    .anyMatch(a -> a.skillGroups().contains(g.code()));
        }
        Agent first = directory.agents().iterator().next();
        assertThat(directory.roleOf(first.id())).contains(Role.AGENT);
        assertThat(directory.nameOf(first.id())).isEqualTo(first.name());
        assertThat(directory.roleOf("nobody-here")).isEmpty();
    }

    @Test
    void theTestDirectoryLoadsToo() {
        Directory d = DirectoryLoader.directory("classpath:test-directory.yaml", DirectoryLoader.catalogue(CATALOGUE));
        assertThat(d.roleOf("st-test-01")).contains(Role.STATION);
        assertThat(d.roleOf("ag-multi")).contains(Role.AGENT);
        assertThat(d.roleOf("op-test-01")).contains(Role.OPERATOR);
    }

    @Test
    void anAgentWithAnUnknownSkillGroupIsRefused() throws IOException {
        String file = write("d.yaml", """
                agents:
                  - {id: ag-one, name: One, skill-groups: [medical-insurance, no-such-group]}
                """);
        ServiceCatalogue catalogue = DirectoryLoader.catalogue(CATALOGUE);
        assertThatThrownBy(() -> DirectoryLoader.directory(file, catalogue))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining("ag-one")
                .hasMessageContaining("no-such-group");
    }

    @Test
    void anAgentWithoutSkillGroupsIsRefused() throws IOException {
        String file = write("d.yaml", """
                agents:
                  - {id: ag-one, name: One, skill-groups: []}
                """);
        assertThatThrownBy(() -> DirectoryLoader.directory(file, DirectoryLoader.catalogue(CATALOGUE)))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining("ag-one").hasMessageContaining("no skill groups");
    }

    @Test
    void aDuplicateIdIsRefusedEvenAcrossRoles() throws IOException {
        String file = write("d.yaml", """
                stations:
                  - {id: same-id, name: S, town: T, village: V}
                operators:
                  - {id: same-id, name: O}
                """);
        assertThatThrownBy(() -> DirectoryLoader.directory(file, DirectoryLoader.catalogue(CATALOGUE)))
                .isInstanceOf(DirectoryException.class)
                .hasMessageContaining("duplicate id same-id");
    }

    @Test
    void aBadIdIsRefused() throws IOException {
        for (String bad : new String[] {"St-Upper", "ab", "has space", "-leading", "中文"}) {
            String file = write("d.yaml", "stations:\n  - {id: '" + bad + "', name: S, town: T, village: V}\n");
            assertThatThrownBy(() -> DirectoryLoader.directory(file, DirectoryLoader.catalogue(CATALOGUE)))
                    .as(bad)
                    .isInstanceOf(DirectoryException.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("a-z, 0-9");
        }
    }

    @Test
    void aMissingIdIsRefused() throws IOException {
        String file = write("d.yaml", "operators:\n  - {name: O}\n");
        assertThatThrownBy(() -> DirectoryLoader.directory(file, DirectoryLoader.catalogue(CATALOGUE)))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("id 'null'");
    }

    @Test
    void anUnknownKeyOrAMissingOrEmptyFileIsRefused() throws IOException {
        ServiceCatalogue catalogue = DirectoryLoader.catalogue(CATALOGUE);
        String typo = write("typo.yaml", "station:\n  - {id: st-one, name: S, town: T, village: V}\n");
        assertThatThrownBy(() -> DirectoryLoader.directory(typo, catalogue))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("station");
        String missing = dir.resolve("missing.yaml").toString();
        assertThatThrownBy(() -> DirectoryLoader.directory(missing, catalogue))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("missing.yaml");
        String empty = write("empty.yaml", "");
        assertThatThrownBy(() -> DirectoryLoader.directory(empty, catalogue))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("empty");
    }

    @Test
    void aBadCatalogueIsRefused() throws IOException {
        String unknownGroup = write("c1.yaml", """
                skill-groups: [{code: a, name-zh: 甲, name-en: A}]
                items: [{code: AA-001, name-zh: 一, name-en: One, skill-group: b, handling-minutes: 5}]
                """);
        assertThatThrownBy(() -> DirectoryLoader.catalogue(unknownGroup))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("AA-001").hasMessageContaining("b");
        String duplicate = write("c2.yaml", """
                skill-groups: [{code: a, name-zh: 甲, name-en: A}]
                items:
                  - {code: AA-001, name-zh: 一, name-en: One, skill-group: a, handling-minutes: 5}
                  - {code: AA-001, name-zh: 二, name-en: Two, skill-group: a, handling-minutes: 5}
                """);
        assertThatThrownBy(() -> DirectoryLoader.catalogue(duplicate))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("duplicate service item AA-001");
        String noMinutes = write("c3.yaml", """
                skill-groups: [{code: a, name-zh: 甲, name-en: A}]
                items: [{code: AA-001, name-zh: 一, name-en: One, skill-group: a}]
                """);
        assertThatThrownBy(() -> DirectoryLoader.catalogue(noMinutes))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("handling-minutes");
        String duplicateGroup = write("c4.yaml", """
                skill-groups: [{code: a, name-zh: 甲, name-en: A}, {code: a, name-zh: 乙, name-en: B}]
                """);
        assertThatThrownBy(() -> DirectoryLoader.catalogue(duplicateGroup))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("duplicate skill group a");
    }
}
