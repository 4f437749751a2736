package org.syshotplug.fleet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's append-only plan journal, one JSON object a line: {@code plan} (what and where),
 * {@code sent}, {@code done} (a host's outcome) and {@code end}. Each line is forced to disk before
 * the step it records happens, so a restarted controller knows every plan and never sends a host
 * whose outcome it has. A torn last line (a crash mid-write) is ignored.
 */
final class PlanJournal {

    private final Path file;

    PlanJournal(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    synchronized void append(ObjectNode line) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] bytes = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(false);
        }
    }

    /** Every plan in the journal, oldest first, replayed from its lines. */
    synchronized Map<String, Plan> load() throws IOException {
        Map<String, Plan> plans = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return plans;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String text : lines) {
            JsonNode line;
            try {
                line = FleetAgent.JSON.readTree(text);
            } catch (IOException torn) {
                continue;
            }
            String id = line.path("plan").asText();
            switch (line.path("t").asText()) {
                case "plan" -> plans.put(id, Plan.fromJournal(line));
                case "sent" -> {
                    Plan p = plans.get(id);
                    if (p != null) {
                        p.host(line.path("host").asText()).sent = true;
                    }
                }
                case "done" -> {
                    Plan p = plans.get(id);
                    if (p != null) {
                        Plan.Host h = p.host(line.path("host").asText());
                        h.outcome = line.path("outcome").asText();
                        h.error = line.path("error").asText(null);
                        h.seconds = line.path("seconds").asDouble();
                    }
                }
                case "end" -> {
                    Plan p = plans.get(id);
                    if (p != null) {
                        p.ended = line.path("status").asText();
                    }
                }
                default -> { }
            }
        }
        return plans;
    }
}
