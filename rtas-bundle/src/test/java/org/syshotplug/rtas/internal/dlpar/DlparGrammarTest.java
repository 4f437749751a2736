package org.syshotplug.rtas.internal.dlpar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;

class DlparGrammarTest {
    private static final Pattern WRITE = Pattern.compile("^WRITE \\[(.*?)\\] -> rc=(\\d+) stderr=(.*)$", Pattern.DOTALL);
    private static final Pattern PARSER_MESSAGE = Pattern.compile(
            "kmsg: dlpar: (Invalid resource specified\\.|Invalid action specified\\.|Invalid id_type specified\\."
                    + "|No DRC count specified\\.|Invalid DRC count specified\\.|No DRC Index specified\\.|Invalid DRC Index specified\\.)");

    private final DlparGrammar kernel = DlparGrammar.linux61();
    private final DlparGrammar extended = DlparGrammar.extended();

    /** One write of the guest run: the string, the errno dd reported (null = success), the parser's message. */
    record Probe(String written, Errno errno, String parserMessage) {
    }

    /** Reads every WRITE of the captured guest run, joining the lines of a string that ended in a newline. */
    static List<Probe> probes() throws IOException {
        String log;
        try (InputStream in = DlparGrammarTest.class.getResourceAsStream("/fixtures/pseries/guest-dlpar-probes.log")) {
            // The guest console turned each newline into CR LF.
            log = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        }
        String[] lines = log.split("\n", -1);
        List<Probe> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("WRITE [")) {
                continue;
            }
            String entry = lines[i];
            if (!entry.contains("] -> rc=")) {
                entry = entry + "\n" + lines[++i];
            }
            Matcher m = WRITE.matcher(entry);
            assertTrue(m.matches(), entry);
            Errno errno = m.group(2).equals("0") ? null : Errno.fromMessage(m.group(3));
            String message = null;
            for (int j = i + 1; j < lines.length && lines[j].startsWith("    kmsg:"); j++) {
                Matcher k = PARSER_MESSAGE.matcher(lines[j]);
                if (k.find()) {
                    message = k.group(1);
                }
            }
            out.add(new Probe(m.group(1), errno, message));
        }
        return out;
    }

    @Test
    void everyGuestProbeParsesOrFailsAsTheLinux61KernelDid() throws IOException {
        List<Probe> probes = probes();
        assertEquals(24, probes.size(), "the fixture holds 24 writes");
        for (Probe p : probes) {
            if (p.parserMessage() != null) {
                DlparSyntaxException e = assertThrows(DlparSyntaxException.class, () -> kernel.parse(p.written()),
                        p.written());
                assertEquals(p.errno(), e.errno(), p.written());
                assertEquals(p.parserMessage(), e.kernelMessage(), p.written());
            } else {
                DlparCommand c = kernel.parse(p.written());
                assertEquals(p.written().strip().replace(" trailing junk", ""), c.toSysfsString(),
                        "re-rendered " + p.written());
                if (c.kernelRefusal().isPresent()) {
                    assertEquals(Errno.EINVAL, p.errno(), "the kernel refused " + p.written() + " in its handler");
                }
            }
        }
    }

    @Test
    void trailingTokensAfterTheLastNumberAreIgnoredAsTheKernelDoes() {
        assertEquals(DlparCommand.byCount(DlparResource.MEMORY, DlparAction.ADD, 1),
                kernel.parse("memory add count 1 trailing junk"));
    }

    @Test
    void oneTrailingNewlineIsAcceptedOnWordsAndNumbers() {
        assertEquals(DlparCommand.byIndex(DlparResource.CPU, DlparAction.ADD, 0x10000002L),
                kernel.parse("cpu add index 0x10000002\n"));
        DlparSyntaxException e = assertThrows(DlparSyntaxException.class, () -> kernel.parse("memory\n"));
        assertNull(e.kernelMessage(), "the kernel prints nothing when the action token is missing");
    }

    @Test
    void indexedCountTakesCountFirstThenIndex() {
        DlparCommand c = kernel.parse("memory remove indexed-count 2 0x80000008");
        assertEquals(2, c.count());
        assertEquals(0x80000008L, c.index());
    }

    @Test
    void numbersUseTheKernelsBaseDetection() throws Exception {
        assertEquals(8, KernelNumber.parseU32("010"));
        assertEquals(16, KernelNumber.parseU32("0x10"));
        assertEquals(16, KernelNumber.parseU32("0X10"));
        assertEquals(16, KernelNumber.parseU32("+0x10"));
        assertEquals(0, KernelNumber.parseU32("0"));
        assertEquals(0xFFFFFFFFL, KernelNumber.parseU32("4294967295"));
        assertEquals(7, KernelNumber.parseU32("7\n"));
        for (String bad : new String[] {"", "-1", "4294967296", "08", "0x", "0xg", "1 ", "1\n\n", "١"}) {
            assertThrows(KernelNumber.NotANumber.class, () -> KernelNumber.parseU32(bad), bad);
        }
    }

    @Test
    void dtIsARecognisedResourceOnlyOnMainline() {
        assertThrows(DlparSyntaxException.class, () -> kernel.parse("dt add index 0x20000001"));
        assertEquals(DlparResource.DT, DlparGrammar.mainline().parse("dt add index 0x20000001").resource());
    }

    @Test
    void drcNameIsAnExtensionTheKernelGrammarRefuses() {
        DlparSyntaxException e = assertThrows(DlparSyntaxException.class,
                () -> kernel.parse("cpu remove drc-name \"CPU 3\""));
        assertEquals("Invalid id_type specified.", e.kernelMessage());
        assertEquals(DlparCommand.byName(DlparResource.CPU, DlparAction.REMOVE, "CPU 3"),
                extended.parse("cpu remove drc-name \"CPU 3\""));
        assertEquals("C109", extended.parse("memory add drc-name C109").drcName());
    }

    @Test
    void cpuByCountParsesButTheKernelHandlerRefusesIt() {
        DlparCommand c = kernel.parse("cpu add count 1");
        assertTrue(c.kernelRefusal().isPresent());
    }

    @Test
    void byIndexBecomesADrcTargetFromOriginDlpar() {
        HotplugRequest r = kernel.parse("cpu add index 0x10000002").toRequest();
        assertEquals(Operation.ADD, r.operation());
        assertEquals(List.of(DeviceRef.of("drc", "0x10000002")), r.targets());
        assertEquals("dlpar", r.origin());
        assertEquals("cpu", r.parameter("resource"));
    }

    @Test
    void countAndIndexedCountBecomeWildcardsWithParameters() {
        HotplugRequest count = kernel.parse("memory remove count 2").toRequest();
        assertEquals(List.of(DeviceRef.any("memory")), count.targets());
        assertEquals("2", count.parameter("count"));
        HotplugRequest ic = kernel.parse("memory add indexed-count 2 0x8000000a").toRequest();
        assertEquals(Map.of("resource", "memory", "count", "2", "index", "0x8000000a"), ic.parameters());
    }

    @Test
    void everyShapeSurvivesRequestRoundTrip() {
        for (String s : List.of("memory add count 4", "memory remove index 0x80000008", "cpu add index 0x10000002",
                "memory remove indexed-count 2 0x8000000a", "cpu remove drc-name \"CPU 3\"", "cpu add count 2",
                "dt add index 0x20000001", "memory add drc-name \"LMB 16\"")) {
            DlparCommand c = extended.parse(s);
            assertEquals(c, DlparCommand.fromRequest(c.toRequest()), s);
            assertEquals(s, c.toSysfsString());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformed")
    void malformedInputIsRefusedWithAMessageNamingTheToken(String input, String expectedInMessage, String kernelMessage) {
        DlparSyntaxException e = assertThrows(DlparSyntaxException.class, () -> extended.parse(input));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains(expectedInMessage),
                () -> "message '" + e.getMessage() + "' should contain '" + expectedInMessage + "'");
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
        assertEquals(kernelMessage, e.kernelMessage());
    }

    static Stream<Arguments> malformed() {
        String res = "Invalid resource specified.";
        String act = "Invalid action specified.";
        String idt = "Invalid id_type specified.";
        String noCount = "No DRC count specified.";
        String badCount = "Invalid DRC count specified.";
        String noIndex = "No DRC Index specified.";
        String badIndex = "Invalid DRC Index specified.";
        Map<String, String[]> t = new LinkedHashMap<>();
        t.put("", new String[] {"invalid resource '' (token 1) (an empty token", res});
        t.put("bogus add count 1", new String[] {"invalid resource 'bogus' (token 1): expected one of memory, cpu, dt", res});
        t.put("Memory add count 1", new String[] {"'Memory' (token 1) (words are case-sensitive)", res});
        t.put(" memory add count 1", new String[] {"invalid resource '' (token 1)", res});
        t.put("memory\tadd count 1", new String[] {"'memory\\tadd' (token 1) (a tab is not a separator", res});
        t.put("mem add count 1", new String[] {"invalid resource 'mem'", res});
        t.put("pci add index 0x40000000", new String[] {"invalid resource 'pci'", res});
        t.put("memory", new String[] {"missing action (token 2)", null});
        t.put("memory ", new String[] {"invalid action '' (token 2)", act});
        t.put("memory frob count 1", new String[] {"invalid action 'frob' (token 2): expected add or remove", act});
        t.put("memory ADD count 1", new String[] {"'ADD' (token 2) (words are case-sensitive)", act});
        t.put("memory enable count 1", new String[] {"invalid action 'enable'", act});
        t.put("memory add", new String[] {"missing id type (token 3)", null});
        t.put("memory add frob 1", new String[] {"invalid id type 'frob' (token 3): expected index, count or indexed-count or drc-name", idt});
        t.put("memory add  count 1", new String[] {"invalid id type '' (token 3) (an empty token", idt});
        t.put("memory add name LMB 9", new String[] {"invalid id type 'name'", idt});
        t.put("memory add counts 1", new String[] {"invalid id type 'counts'", idt});
        t.put("memory add count", new String[] {"missing DRC count (token 4)", noCount});
        t.put("memory add count abc", new String[] {"invalid DRC count 'abc' (token 4)", badCount});
        t.put("memory add count 99999999999", new String[] {"larger than 4294967295", badCount});
        t.put("memory add count -1", new String[] {"a sign '-' is not allowed", badCount});
        t.put("memory add count 08", new String[] {"'8' follows the octal", badCount});
        t.put("memory add count 1x", new String[] {"'x' follows the decimal number", badCount});
        t.put("memory add count ", new String[] {"invalid DRC count '' (token 4)", badCount});
        t.put("memory add index", new String[] {"missing DRC index (token 4)", noIndex});
        t.put("memory add index 0x", new String[] {"invalid DRC index '0x' (token 4)", badIndex});
        t.put("memory add index 0x1ffffffff", new String[] {"larger than 4294967295", badIndex});
        t.put("memory add index 0x8000000g", new String[] {"'g' follows the hexadecimal number", badIndex});
        t.put("memory add indexed-count 2", new String[] {"missing DRC index (token 5)", noIndex});
        t.put("memory add indexed-count", new String[] {"missing DRC count (token 4)", noCount});
        t.put("memory add indexed-count x 0x80000008", new String[] {"invalid DRC count 'x'", badCount});
        t.put("memory add indexed-count 2 zz", new String[] {"invalid DRC index 'zz' (token 5)", badIndex});
        t.put("cpu remove drc-name", new String[] {"missing DRC name after 'drc-name'", null});
        t.put("cpu remove drc-name \"CPU 3", new String[] {"the quote is not closed", null});
        t.put("cpu remove drc-name CPU 3", new String[] {"quote a name that contains spaces", null});
        t.put("cpu remove drc-name \"CPU 3\" now", new String[] {"' now' follows the closing quote", null});
        t.put("cpu remove drc-name \"\"", new String[] {"expected 1-64 letters", null});
        t.put("cpu remove drc-name \"CPU/3\"", new String[] {"invalid DRC name '\"CPU/3\"'", null});
        return t.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()[0], e.getValue()[1]));
    }

    @Test
    void malformedTableHasAtLeastTwentyFiveEntries() {
        assertTrue(malformed().count() >= 25);
    }

    @Test
    void nothingIsHalfParsed() {
        try {
            extended.parse("memory add indexed-count 2 nope");
            fail("should not parse");
        } catch (DlparSyntaxException e) {
            assertEquals(5, e.position());
            assertEquals("nope", e.token());
        }
    }
}
