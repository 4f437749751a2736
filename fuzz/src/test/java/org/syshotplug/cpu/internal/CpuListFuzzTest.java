package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.SortedSet;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FuzzBudget;
import org.syshotplug.fuzz.FuzzInput;

/**
 * CPU lists ({@code chcpu -e 1,3-5}, and the kernel's {@code online}/{@code present} masks) on
 * arbitrary text: a list parses into CPU numbers 0..{@value CpuList#MAX_CPU} or is refused with
 * an {@link IllegalArgumentException} that a person can read; a parsed list prints back in the
 * kernel's form and parses to the same set.
 */
class CpuListFuzzTest {

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    @DictionaryEntries({",", "-", "8191", "8192", "0-8191", " "})
    void listsParseWithinNrCpusAndPrintBackOrAreRefused(byte[] data) {
        String text = FuzzInput.text(data);
        SortedSet<Integer> cpus;
        try {
            cpus = CpuList.parse(text);
        } catch (IllegalArgumentException e) {
            ClearErrors.requireClear(e);
            return;
        }
        assertTrue(cpus.isEmpty() || cpus.first() >= 0 && cpus.last() <= CpuList.MAX_CPU, () -> "out of range: " + cpus);
        String printed = CpuList.format(cpus);
        assertEquals(cpus, CpuList.parse(printed), () -> "printed as '" + printed + "'");
    }
}
