package org.syshotplug.sequencer.internal;

import java.io.IOException;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.HotplugService;

/**
 * {@code hotplug:journal [status|ack]}: what the journal is doing, and the operator's acknowledgement
 * after damage was found, which lets state-changing requests run again.
 */
@Component(service = JournalCommands.class, property = {
    "osgi.command.scope=hotplug",
    "osgi.command.function=journal"
})
public class JournalCommands {

    static final String USAGE = "usage: hotplug:journal [status|ack]";

    /** This bundle's own service: the journal is the engine's, not part of the public API. */
    @Reference(target = "(component.name=org.syshotplug.sequencer.internal.HotplugServiceComponent)")
    HotplugService service;

    private Sequencer direct;

    public JournalCommands() {
    }

    JournalCommands(Sequencer sequencer) {
        this.direct = sequencer;
    }

    private Sequencer sequencer() {
        if (direct != null) {
            return direct;
        }
        if (service instanceof HotplugServiceComponent c) {
            return c.sequencer();
        }
        throw new IllegalStateException("the sequencer of this bundle is not running");
    }

    @Descriptor("the journal: its file, whether state-changing requests are refused and why, damage awaiting"
            + " acknowledgement, forces so far")
    public String journal() {
        return status();
    }

    @Descriptor("hotplug:journal status | ack: ack records that an operator has checked the devices of the requests"
            + " a damaged journal left in doubt, so state-changing requests run again")
    public String journal(@Descriptor("status or ack") String action) throws IOException {
        switch (action.toLowerCase(Locale.ROOT)) {
            case "status":
                return status();
            case "ack":
            case "acknowledge":
                return acknowledge();
            default:
                throw new IllegalArgumentException("unknown journal action '" + action
                        .replaceAll("[^\\p{Print}]", "?") + "': expected status or ack (" + USAGE + ")");
        }
    }

    private String status() {
        Journal.Status s = sequencer().journalStatus();
        if (s == null) {
            return "journal      off (configuration org.syshotplug.sequencer journal=false): requests are not"
                    + " recorded and not recovered after a crash\n";
        }
        StringBuilder b = new StringBuilder();
        b.append("journal      ").append(s.file()).append('\n');
        b.append("state        ").append(s.refusal() == null ? "accepting requests"
                : "refusing state-changing requests (dry runs and reads still work)").append('\n');
        if (s.refusal() != null) {
            b.append("why          ").append(s.refusal().message()).append(" (").append(s.refusal().errno())
                    .append(")\n");
        }
        if (s.damage() != null) {
            b.append("damage       found ").append(s.damage().found()).append(", file kept as ")
                    .append(s.damage().aside()).append(": ").append(s.damage().reason()).append('\n');
            b.append("in doubt     ").append(s.damage().inDoubt().isEmpty() ? "(no request could be named)"
                    : String.join(" ", s.damage().inDoubt())).append('\n');
            b.append("next step    check those devices (hotplug:devices, hotplug:history), then hotplug:journal ack\n");
        }
        b.append("size         ").append(s.bytes()).append(" bytes, last record ").append(s.lastSequence())
                .append('\n');
        b.append("forces       ").append(s.forces()).append(" (compactions ").append(s.compactions()).append(")\n");
        return b.toString();
    }

    private String acknowledge() throws IOException {
        Sequencer s = sequencer();
        Journal.Status before = s.journalStatus();
        if (before == null) {
            return "nothing to acknowledge: the journal is off\n";
        }
        Journal.Damage d = s.acknowledgeJournal(HotplugCommands.principal());
        if (d == null) {
            return "nothing to acknowledge: the journal has no unacknowledged damage"
                    + (before.refusal() == null ? "" : "; requests are still refused: " + before.refusal().message())
                    + "\n";
        }
        return "acknowledged the damage found " + d.found() + " (file kept as " + d.aside() + "; in doubt: "
                + (d.inDoubt().isEmpty() ? "none named" : String.join(" ", d.inDoubt()))
                + "): state-changing requests run again\n";
    }
}
