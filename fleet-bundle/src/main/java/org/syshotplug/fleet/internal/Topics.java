package org.syshotplug.fleet.internal;

import java.util.regex.Pattern;

/** The topic tree: {@code syshotplug/v1/<host>/<kind>}, the host in it so a broker ACL can fence each host. */
final class Topics {

    static final String ROOT = "syshotplug/v1/";
    /** Host names go into topics and request ids: no MQTT wildcard or separator can get in. */
    static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,39}");

    private Topics() {
    }

    static String of(String host, String kind) {
        return ROOT + host + "/" + kind;
    }

    /** The host of a topic of the tree, or null. */
    static String host(String topic) {
        if (!topic.startsWith(ROOT)) {
            return null;
        }
        int slash = topic.indexOf('/', ROOT.length());
        return slash < 0 ? null : topic.substring(ROOT.length(), slash);
    }

    static String kind(String topic) {
        return topic.substring(topic.lastIndexOf('/') + 1);
    }

    static String checkHost(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("invalid fleet host name '" + host
                    + "': expected 1-40 letters, digits, '_' or '-' (it becomes a topic level and part of request ids)");
        }
        return host;
    }
}
