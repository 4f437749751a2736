package org.syshotplug.cpu.internal;

import java.nio.file.Path;
import org.syshotplug.fuzz.FolderSystemFiles;
import org.syshotplug.platform.KernelPaths;

/** The CPU trees the hostile-input tests start from, before they spoil one file. */
final class CpuFolders {

    private CpuFolders() {
    }

    /** CPUs 0-3 present and online; CPU 0 has no {@code online} file, as where the kernel cannot take it offline. */
    static FolderSystemFiles fourOnlineCpus(Path folder) {
        FolderSystemFiles files = new FolderSystemFiles(folder)
                .put(KernelPaths.CPU_ROOT + "/present", "0-3\n")
                .put(KernelPaths.CPU_ROOT + "/online", "0-3\n")
                .folder(KernelPaths.cpu(0));
        for (int cpu = 1; cpu <= 3; cpu++) {
            files.put(KernelPaths.cpu(cpu, "online"), "1\n");
        }
        return files;
    }
}
