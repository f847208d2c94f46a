package io.doorstep.loadtest.peak;

import io.doorstep.signalling.directory.ServiceCatalogue;
import io.doorstep.signalling.directory.ServiceItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which service item a call is about: a skill group by its share of calls, then an item of it at random. The
 * default shares are our estimate for a rural district's doorstep service (medical insurance, medical record
 * booklets, social assistance and pensions, the items a village's elderly come for most, ahead of the rest); a
 * group the table does not name gets the smallest share. Operators with real call counts pass their own.
 */
public final class SkillMix {
    public static final Map<String, Double> DEFAULT_SHARES = Map.ofEntries(
            Map.entry("medical-insurance", 20.0), Map.entry("medical-records", 12.0),
            Map.entry("social-assistance", 12.0), Map.entry("pensions", 12.0), Map.entry("housing-fund", 8.0),
            Map.entry("household-registration", 7.0), Map.entry("elderly-care", 7.0), Map.entry("employment", 5.0),
            Map.entry("disability", 4.0), Map.entry("civil-affairs", 4.0), Map.entry("general-certificates", 3.0),
            Map.entry("family-planning-and-maternity", 2.0), Map.entry("housing-security", 2.0),
            Map.entry("veterans-affairs", 2.0));

    private final List<List<ServiceItem>> groups = new ArrayList<>();
    private final double[] cumulative;
    private final Map<String, ServiceItem> items = new LinkedHashMap<>();
    private final Map<String, Double> shares = new LinkedHashMap<>();

    public SkillMix(ServiceCatalogue catalogue, Map<String, Double> shareByGroup) {
        double smallest = shareByGroup.values().stream().mapToDouble(Double::doubleValue).min().orElse(1);
        Map<String, List<ServiceItem>> byGroup = new LinkedHashMap<>();
        catalogue.items().forEach(i -> {
            byGroup.computeIfAbsent(i.skillGroup(), g -> new ArrayList<>()).add(i);
            items.put(i.code(), i);
        });
        cumulative = new double[byGroup.size()];
        double total = 0;
        for (Map.Entry<String, List<ServiceItem>> g : byGroup.entrySet()) {
            double share = shareByGroup.getOrDefault(g.getKey(), smallest);
            shares.put(g.getKey(), share);
            total += share;
            cumulative[groups.size()] = total;
            groups.add(g.getValue());
        }
    }

    ServiceItem pick(SplittableRandom random) {
        double r = random.nextDouble() * cumulative[cumulative.length - 1];
        int g = 0;
        while (cumulative[g] < r) {
            g++;
        }
        List<ServiceItem> group = groups.get(g);
        return group.get(random.nextInt(group.size()));
    }

    /** The typical handling minutes of an item; the catalogue's median when the server names one it has not. */
    int typicalMinutes(String itemCode) {
        ServiceItem item = items.get(itemCode);
        return item != null ? item.handlingMinutes() : 10;
    }

    /** The share given to each group of the catalogue, as used. */
    public Map<String, Double> shares() {
        return shares;
    }

    /** The mean typical handling minutes of a call, weighted by the shares: what agent occupancy follows from. */
    public double meanMinutes() {
        double sum = 0;
        double weight = 0;
        for (int g = 0; g < groups.size(); g++) {
            double share = cumulative[g] - (g == 0 ? 0 : cumulative[g - 1]);
            sum += share * groups.get(g).stream().mapToInt(ServiceItem::handlingMinutes).average().orElse(0);
            weight += share;
        }
        return sum / weight;
    }
}
