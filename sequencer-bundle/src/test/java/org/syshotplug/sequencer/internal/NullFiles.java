package org.syshotplug.sequencer.internal;

import java.util.ArrayList;
import java.util.List;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/** Kernel files that take every write and remember it: enough for an undo log under test. */
class NullFiles implements SystemFiles {

    final List<String> writes = new ArrayList<>();

    @Override
    public String read(String path) throws SystemFileException {
        return "";
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        return new byte[0];
    }

    @Override
    public synchronized void write(String path, String value) {
        writes.add(path + "=" + value);
    }

    @Override
    public List<String> list(String directory) {
        return new ArrayList<>();
    }

    @Override
    public boolean exists(String path) {
        return true;
    }

    @Override
    public boolean isDirectory(String path) {
        return false;
    }

    @Override
    public String readLink(String path) {
        return path;
    }

    @Override
    public String describe() {
        return "null files";
    }
}
