package org.syshotplug.spi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * A DS component property type: put it on a handler component to declare its place in the chain,
 * e.g. {@code @HotplugHandlerRegistration(phase = "execute", priority = HandlerProperties.CPU,
 * operations = {"online", "offline"}, devices = "cpu")}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HotplugHandlerRegistration {

    String PREFIX_ = "hotplug.";

    /** {@code validate}, {@code execute} or {@code commit}. */
    String phase();

    int priority();

    String[] operations() default {"add", "remove", "online", "offline"};

    /** Device types; empty means all. */
    String[] devices() default {};
}
