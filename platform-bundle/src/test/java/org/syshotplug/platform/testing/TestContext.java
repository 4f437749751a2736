package org.syshotplug.platform.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Phase;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.UndoLog;

/**
 * One handler call outside the sequencer. In validate it resolves in place, as the sequencer does;
 * outside validate resolving or adding devices is refused, as the contract says. The undo log is
 * the test's choice: a {@link JournalDouble} for execute, one it read back for a rollback after a
 * "crash", or an in-memory one. Progress reports are kept as {@code "cpu:1 1/2 message"}.
 */
public final class TestContext implements HandlerContext {

    private final HotplugRequest request;
    private final Phase phase;
    private final List<DeviceRef> devices;
    private final UndoLog undo;
    private final Map<String, Object> attributes = new HashMap<>();
    private final List<String> progress = new ArrayList<>();

    /** The request's targets as the devices, with an in-memory undo log. */
    public TestContext(HotplugRequest request, Phase phase) {
        this(request, phase, request.targets());
    }

    public TestContext(HotplugRequest request, Phase phase, List<DeviceRef> devices) {
        this(request, phase, devices, UndoLog.inMemory());
    }

    public TestContext(HotplugRequest request, Phase phase, List<DeviceRef> devices, UndoLog undo) {
        this.request = request;
        this.phase = phase;
        this.devices = new ArrayList<>(devices);
        this.undo = undo;
    }

    /** An execute (or rollback) call over {@code devices} writing through {@code undo}. */
    public static TestContext execute(HotplugRequest request, List<DeviceRef> devices, UndoLog undo) {
        return new TestContext(request, Phase.EXECUTE, devices, undo);
    }

    @Override
    public HotplugRequest request() {
        return request;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public List<DeviceRef> devices() {
        return List.copyOf(devices);
    }

    @Override
    public List<DeviceRef> devices(String type) {
        return devices.stream().filter(d -> d.type().equals(type)).toList();
    }

    @Override
    public void resolve(DeviceRef target, Collection<DeviceRef> resolved) {
        if (phase != Phase.VALIDATE) {
            throw new IllegalStateException("resolve outside validate");
        }
        int at = devices.indexOf(target);
        if (at < 0) {
            throw new IllegalArgumentException(target + " not in " + devices);
        }
        devices.remove(at);
        List<DeviceRef> add = resolved.stream().filter(d -> !devices.contains(d)).toList();
        devices.addAll(at, add);
    }

    @Override
    public void addDevices(Collection<DeviceRef> more) {
        if (phase != Phase.VALIDATE) {
            throw new IllegalStateException("addDevices outside validate");
        }
        more.stream().filter(d -> !devices.contains(d)).forEach(devices::add);
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public UndoLog undo() {
        return undo;
    }

    @Override
    public Instant deadline() {
        return Instant.now().plusSeconds(60);
    }

    @Override
    public boolean expired() {
        return false;
    }

    @Override
    public void progress(DeviceRef device, int done, int total, String message) {
        progress.add(device + " " + done + "/" + total + " " + message);
    }

    /** The progress reports so far, in order. */
    public List<String> progressReports() {
        return List.copyOf(progress);
    }
}
