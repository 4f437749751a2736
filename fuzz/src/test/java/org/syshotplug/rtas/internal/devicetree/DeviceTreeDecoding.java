package org.syshotplug.rtas.internal.devicetree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.syshotplug.fuzz.ClearErrors;

/** Decodes what the rtas bundle decodes from a node, holding each decoder to its contract. */
final class DeviceTreeDecoding {

    private DeviceTreeDecoding() {
    }

    static void decodeNode(DeviceTree tree, String node) {
        try {
            List<Drc> drcs = DrcTable.read(tree, node);
            for (Drc d : drcs) {
                assertTrue(d.index() >= 0 && d.index() <= 0xFFFF_FFFFL, () -> "index of " + d);
                assertEquals(node, d.parent());
            }
        } catch (MalformedDataException e) {
            ClearErrors.requireClear(e);
        }
        try {
            DrcTable.myDrcIndex(tree, node).ifPresent(i -> assertTrue(i >= 0 && i <= 0xFFFF_FFFFL));
        } catch (MalformedDataException e) {
            ClearErrors.requireClear(e);
        }
    }

    static void decodeDrconf(DeviceTree tree) {
        try {
            Optional<DynamicMemory> drconf = DynamicMemory.read(tree);
            drconf.ifPresent(m -> {
                assertTrue(m.lmbSize() != 0);
                m.lmbs().forEach(l -> assertTrue(l.drcIndex() >= 0 && l.drcIndex() <= 0xFFFF_FFFFL, () -> "LMB " + l));
            });
        } catch (MalformedDataException e) {
            ClearErrors.requireClear(e);
        }
    }
}
