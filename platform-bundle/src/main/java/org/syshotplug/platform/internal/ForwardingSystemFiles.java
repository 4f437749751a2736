package org.syshotplug.platform.internal;

import java.util.List;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * SystemFiles that hands every call to the files its component built on activation (the real kernel's or
 * the simulated machine's); a component overrides only what it adds around a call.
 */
abstract class ForwardingSystemFiles implements SystemFiles {

    /** The files built by the last activation; read on every call, as a reactivation replaces them. */
    abstract SystemFiles files();

    @Override
    public String read(String path) throws SystemFileException {
        return files().read(path);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        return files().readBytes(path);
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        files().write(path, value);
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        return files().list(directory);
    }

    @Override
    public boolean exists(String path) {
        return files().exists(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return files().isDirectory(path);
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        return files().readLink(path);
    }

    @Override
    public String describe() {
        return files().describe();
    }
}
