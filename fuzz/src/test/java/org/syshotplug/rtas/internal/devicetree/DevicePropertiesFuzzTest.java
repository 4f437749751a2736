package org.syshotplug.rtas.internal.devicetree;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.syshotplug.fuzz.FuzzBudget;
import org.syshotplug.fuzz.FuzzInput;

/**
 * The device-tree property decoders on arbitrary property values, as {@code /proc/device-tree}
 * serves them (one file per property, any length): the DRC arrays, {@code ibm,drc-info},
 * {@code ibm,my-drc-index}, {@code ibm,lmb-size} and both {@code ibm,dynamic-memory} forms.
 * The first byte picks which property the rest of the input is; the other properties of the
 * node hold a small valid value so the decoder under test is reached.
 */
class DevicePropertiesFuzzTest {

    private static final String[] PROPERTIES = {DrcTable.INFO, DrcTable.INDEXES, DrcTable.NAMES, DrcTable.TYPES,
            DrcTable.POWER_DOMAINS, DrcTable.MY_DRC_INDEX, DynamicMemory.LMB_SIZE, DynamicMemory.V1, DynamicMemory.V2};

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void everyPropertyDecodesOrIsMalformed(byte[] data) {
        String property = PROPERTIES[FuzzInput.choice(data, PROPERTIES.length)];
        byte[] value = FuzzInput.rest(data);
        if (expandsPastFuzzingLimit(property, value)) {
            return;
        }
        Map<String, byte[]> node = validDrcArrays();
        Map<String, byte[]> drconf = validDrconf();
        if (property.startsWith("ibm,drc") || property.equals(DrcTable.MY_DRC_INDEX)) {
            node.put(property, value);
        } else {
            drconf.put(property, value);
            if (property.equals(DynamicMemory.V2)) {
                drconf.remove(DynamicMemory.V1);
            }
        }
        DeviceTree tree = new PropertyTree(Map.of("/", node, DynamicMemory.NODE, drconf));
        DeviceTreeDecoding.decodeNode(tree, "/");
        DeviceTreeDecoding.decodeDrconf(tree);
    }

    /**
     * True for a v2 or drc-info value whose sets declare more than {@value #EXPANSION_LIMIT} elements
     * in all. The decoders accept up to 2^24 and expand every one (README finding 10): a single such
     * input costs seconds and a gigabyte, and the fuzzer, drawn to it, would run at one execution a
     * second. The bounds themselves are pinned by {@code DrcInfoFuzzFindingsTest}.
     */
    private static boolean expandsPastFuzzingLimit(String property, byte[] value) {
        try {
            if (property.equals(DynamicMemory.V2)) {
                ByteCursor c = new ByteCursor(value, property);
                long sets = c.u32();
                long total = 0;
                for (long i = 0; i < sets && c.remaining() >= 24; i++) {
                    total += c.u32();
                    c.skip(20, "rest of the set");
                }
                return total > EXPANSION_LIMIT;
            }
            if (property.equals(DrcTable.INFO)) {
                return DrcTable.decodeInfo(value).stream().mapToLong(DrcInfoSet::count).sum() > EXPANSION_LIMIT;
            }
        } catch (MalformedDataException e) {
            return false;
        }
        return false;
    }

    private static final long EXPANSION_LIMIT = 1 << 16;

    /** One CPU DRC in the four position-correlated arrays. */
    private static Map<String, byte[]> validDrcArrays() {
        Map<String, byte[]> p = new LinkedHashMap<>();
        p.put(DrcTable.INDEXES, new byte[] {0, 0, 0, 1, 0x10, 0, 0, 3});
        p.put(DrcTable.NAMES, new byte[] {0, 0, 0, 1, 'C', 'P', 'U', ' ', '3', 0});
        p.put(DrcTable.TYPES, new byte[] {0, 0, 0, 1, 'C', 'P', 'U', 0});
        p.put(DrcTable.POWER_DOMAINS, new byte[] {0, 0, 0, 1, -1, -1, -1, -1});
        return p;
    }

    /** 256 MiB LMBs, one v1 entry. */
    private static Map<String, byte[]> validDrconf() {
        Map<String, byte[]> p = new LinkedHashMap<>();
        p.put(DynamicMemory.LMB_SIZE, new byte[] {0, 0, 0, 0, 0x10, 0, 0, 0});
        p.put(DynamicMemory.V1, new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, (byte) 0x80, 0, 0, 8, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 8});
        return p;
    }

    /** Nodes with properties, no children: enough for the decoders. */
    private record PropertyTree(Map<String, Map<String, byte[]>> nodes) implements DeviceTree {
        @Override
        public Optional<byte[]> property(String node, String name) {
            return Optional.ofNullable(nodes.getOrDefault(node, Map.of()).get(name)).map(byte[]::clone);
        }

        @Override
        public List<String> children(String node) {
            return List.of();
        }

        @Override
        public List<String> properties(String node) {
            return List.copyOf(nodes.getOrDefault(node, Map.of()).keySet());
        }
    }
}
