package org.syshotplug.rtas.internal.devicetree;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayDeque;
import java.util.Deque;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FuzzBudget;

/**
 * The flattened device-tree reader on arbitrary blobs (a {@code dumpdtb} file or
 * {@code /sys/firmware/fdt}): a blob parses or is refused with {@link MalformedDataException}.
 * A parsed tree is then walked node by node and every node's DRC properties and the drconf node
 * are decoded, as the rtas bundle does at start, with the same contract.
 */
class FlattenedDeviceTreeFuzzTest {

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void blobsParseOrAreMalformedAndParsedTreesDecodeOrAreMalformed(byte[] blob) {
        FlattenedDeviceTree tree;
        try {
            tree = FlattenedDeviceTree.parse(blob);
        } catch (MalformedDataException e) {
            ClearErrors.requireClear(e);
            return;
        }
        Deque<String> todo = new ArrayDeque<>();
        todo.add("/");
        int visited = 0;
        while (!todo.isEmpty()) {
            String node = todo.removeFirst();
            if (++visited > 100_000) {
                throw new AssertionError("more than 100000 nodes reached from the root: a cycle?");
            }
            tree.properties(node).forEach(p -> tree.property(node, p).orElseThrow());
            DeviceTreeDecoding.decodeNode(tree, node);
            for (String child : tree.children(node)) {
                todo.add(DeviceTree.join(node, child));
            }
        }
        DeviceTreeDecoding.decodeDrconf(tree);
    }
}
