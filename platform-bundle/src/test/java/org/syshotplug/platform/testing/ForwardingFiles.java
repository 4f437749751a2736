package org.syshotplug.platform.testing;

import java.util.List;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/** A test double's base: passes every call to the wrapped machine; subclasses override what they watch or break. */
public abstract class ForwardingFiles implements SystemFiles {

    protected final SystemFiles machine;

    protected ForwardingFiles(SystemFiles machine) {
        this.machine = machine;
    }

    @Override
    public String read(String path) throws SystemFileException {
        return machine.read(path);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        return machine.readBytes(path);
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        machine.write(path, value);
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        return machine.list(directory);
    }

    @Override
    public boolean exists(String path) {
        return machine.exists(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return machine.isDirectory(path);
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        return machine.readLink(path);
    }

    @Override
    public String describe() {
        return machine.describe();
    }
}
