package org.syshotplug.rtas.internal.dlpar;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;

/**
 * One DLPAR request in the shape of the kernel's {@code struct pseries_hp_errorlog}: resource,
 * action, id type and the ids. The sysfs grammar ({@link DlparGrammar}) and the error-log codec
 * ({@link HotplugErrorLog}) both produce it, and it converts to and from a {@link HotplugRequest}.
 *
 * <p>Ids are unsigned 32-bit values held in a {@code long}: indexes such as {@code 0x80000008} do
 * not fit an {@code int}.
 *
 * @param count   the DRC count (count and indexed-count), else 0
 * @param index   the DRC index (index and indexed-count), else 0
 * @param drcName the DRC name (drc-name), else null
 */
public record DlparCommand(DlparResource resource, DlparAction action, DlparIdType idType, long count, long index,
        String drcName) {

    /** Request origin of everything that comes from a DLPAR string or an error log. */
    public static final String ORIGIN = "dlpar";
    /** Request parameter: the resource word ({@code cpu}, {@code memory}, {@code pmem}, ...). */
    public static final String RESOURCE = "resource";
    /** Request parameter: the DRC count, decimal. */
    public static final String COUNT = "count";
    /** Request parameter: the first DRC index of an indexed-count range, {@code 0x...}. */
    public static final String INDEX = "index";

    /**
     * DRC names are short printable ASCII: {@code CPU 3}, {@code LMB 16}, {@code C109}, {@code U8286.42A.21C9ABW-V1-C3}.
     * Never a number ({@code drc:123} reads back as an index) and never {@code ..} (no device id may hold it).
     */
    static final Pattern NAME = Pattern.compile("(?![0-9]+$|0[xX][0-9A-Fa-f]+$)(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9 ._:-]{0,63}");
    /** What {@link #NAME} allows, for error messages. */
    static final String NAME_RULE = "expected 1-64 letters, digits, space and . _ : -, starting with a letter or digit,"
            + " not a number (that is an index) and without '..'";

    public DlparCommand {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(idType, "idType");
        if (count < 0 || count > KernelNumber.U32_MAX || index < 0 || index > KernelNumber.U32_MAX) {
            throw new IllegalArgumentException("DRC count and index are unsigned 32-bit values, not " + count + " / " + index);
        }
        switch (idType) {
            case DRC_NAME -> {
                if (drcName == null || !NAME.matcher(drcName).matches()) {
                    throw new IllegalArgumentException("invalid DRC name '" + (drcName == null ? "null"
                            : DlparSyntaxException.printable(drcName))
                            + "': " + NAME_RULE);
                }
                if (count != 0 || index != 0) {
                    throw new IllegalArgumentException("a drc-name request carries no count or index");
                }
            }
            case DRC_INDEX -> requireNoName(drcName, count == 0);
            case DRC_COUNT -> requireNoName(drcName, index == 0);
            case DRC_INDEXED_COUNT -> requireNoName(drcName, true);
            default -> throw new IllegalStateException();
        }
    }

    private static void requireNoName(String drcName, boolean unusedFieldZero) {
        if (drcName != null || !unusedFieldZero) {
            throw new IllegalArgumentException("only the fields of the id type may be set");
        }
    }

    public static DlparCommand byIndex(DlparResource resource, DlparAction action, long index) {
        return new DlparCommand(resource, action, DlparIdType.DRC_INDEX, 0, index, null);
    }

    public static DlparCommand byCount(DlparResource resource, DlparAction action, long count) {
        return new DlparCommand(resource, action, DlparIdType.DRC_COUNT, count, 0, null);
    }

    public static DlparCommand byIndexedCount(DlparResource resource, DlparAction action, long count, long index) {
        return new DlparCommand(resource, action, DlparIdType.DRC_INDEXED_COUNT, count, index, null);
    }

    public static DlparCommand byName(DlparResource resource, DlparAction action, String drcName) {
        return new DlparCommand(resource, action, DlparIdType.DRC_NAME, 0, 0, drcName);
    }

    /**
     * The string as written to {@code /sys/kernel/dlpar} (no trailing newline, as drmgr writes it);
     * a drc-name request uses our quoted extension form.
     */
    public String toSysfsString() {
        String head = resource.label() + " " + action.word() + " " + idType.word() + " ";
        return switch (idType) {
            case DRC_INDEX -> head + KernelNumber.hex(index);
            case DRC_COUNT -> head + count;
            case DRC_INDEXED_COUNT -> head + count + " " + KernelNumber.hex(index);
            case DRC_NAME -> head + '"' + drcName + '"';
        };
    }

    /**
     * Why the Linux pseries handlers refuse this request although the sysfs parser accepted it, if
     * they do: CPU DLPAR takes {@code index} only (the by-count code was deleted in 2021), and a
     * drc-name id never reaches the kernel from sysfs. The kernel answers EINVAL in both cases.
     */
    public Optional<String> kernelRefusal() {
        if (idType == DlparIdType.DRC_NAME) {
            return Optional.of("the kernel has no drc-name id type on /sys/kernel/dlpar; only firmware error logs carry names");
        }
        if (resource == DlparResource.CPU && idType != DlparIdType.DRC_INDEX) {
            return Optional.of("the kernel takes CPUs by index only (CPU by count was removed in 2021)");
        }
        if (resource == DlparResource.DT && idType != DlparIdType.DRC_INDEX) {
            return Optional.of("the kernel's dt resource takes index only");
        }
        return Optional.empty();
    }

    /** This command as a hot-plug request with origin {@value #ORIGIN} and a fresh id. */
    public HotplugRequest toRequest() {
        HotplugRequest.Builder b = HotplugRequest.builder(action.operation()).origin(ORIGIN)
                .parameter(RESOURCE, resource.label());
        switch (idType) {
            case DRC_INDEX -> b.target(DeviceRef.of(DeviceRef.DRC, KernelNumber.hex(index)));
            case DRC_NAME -> b.target(DeviceRef.of(DeviceRef.DRC, drcName));
            case DRC_COUNT -> b.target(DeviceRef.any(resource.label())).parameter(COUNT, Long.toString(count));
            case DRC_INDEXED_COUNT -> b.target(DeviceRef.any(resource.label())).parameter(COUNT, Long.toString(count))
                    .parameter(INDEX, KernelNumber.hex(index));
            default -> throw new IllegalStateException();
        }
        return b.build();
    }

    /**
     * Reads a request built by {@link #toRequest()} (or by hand in the same shape) back into a command.
     *
     * @throws IllegalArgumentException naming what does not fit the DLPAR model
     */
    public static DlparCommand fromRequest(HotplugRequest request) {
        DlparAction action = DlparAction.of(request.operation()).orElseThrow(() -> new IllegalArgumentException(
                "DLPAR knows add and remove only, not " + request.operation().word()));
        List<DeviceRef> targets = request.targets();
        if (targets.size() != 1) {
            throw new IllegalArgumentException("a DLPAR request names exactly one target (a DRC or a wildcard), not "
                    + targets);
        }
        DeviceRef target = targets.get(0);
        String word = request.parameter(RESOURCE) != null ? request.parameter(RESOURCE) : target.type();
        DlparResource resource = resourceOf(word);
        if (target.isWildcard()) {
            if (!target.type().equals(resource.label())) {
                throw new IllegalArgumentException("wildcard " + target + " does not match resource '" + word + "'");
            }
            long count = requireNumber(request.parameter(COUNT), COUNT);
            String index = request.parameter(INDEX);
            return index == null ? byCount(resource, action, count)
                    : byIndexedCount(resource, action, count, requireNumber(index, INDEX));
        }
        if (!DeviceRef.DRC.equals(target.type())) {
            throw new IllegalArgumentException("a DLPAR target is drc:<index>, drc:<name> or " + word
                    + ":* with a count, not " + target);
        }
        try {
            return byIndex(resource, action, KernelNumber.parseU32(target.id()));
        } catch (KernelNumber.NotANumber notIndex) {
            return byName(resource, action, target.id());
        }
    }

    private static DlparResource resourceOf(String word) {
        for (DlparResource r : DlparResource.values()) {
            if (r.label().equals(word)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown DLPAR resource '" + word + "': expected cpu, memory, dt, slot, phb, pci or pmem");
    }

    private static long requireNumber(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("a DLPAR wildcard request needs the parameter '" + what + "'");
        }
        try {
            return KernelNumber.parseU32(value);
        } catch (KernelNumber.NotANumber e) {
            throw new IllegalArgumentException("parameter " + what + "='" + value + "' is not a u32: " + e.getMessage());
        }
    }
}
