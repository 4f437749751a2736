package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Progress;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

class ContextAndEventsTest {

    private final List<String> topics = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> eventProperties = new CopyOnWriteArrayList<>();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults(), (topic, props) -> {
        topics.add(topic);
        eventProperties.add(props);
    });

    @AfterEach
    void stop() {
        sequencer.close();
    }

    @Test
    void validateResolvesAContainerAndCpuHandlersSeeTheResolvedCpus() throws Exception {
        HotplugHandler resolver = context -> context.resolve(DeviceRef.of(DeviceRef.CONTAINER, "ACPI0004:00"),
                List.of(DeviceRef.cpu(2), DeviceRef.cpu(3)));
        Map<String, Object> resolverProps = ScriptedHandler.props("resolver", "validate", 200);
        resolverProps.put(HandlerProperties.DEVICES, "container");
        List<List<DeviceRef>> cpuHandlerSaw = Collections.synchronizedList(new ArrayList<>());
        HotplugHandler cpu = context -> cpuHandlerSaw.add(context.devices("cpu"));
        Map<String, Object> cpuProps = ScriptedHandler.props("cpu", "execute", 400);
        cpuProps.put(HandlerProperties.DEVICES, "cpu");
        sequencer.addHandler(resolver, resolverProps);
        sequencer.addHandler(cpu, cpuProps);

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ADD,
                DeviceRef.of(DeviceRef.CONTAINER, "ACPI0004:00"))).getValue();

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(List.of(DeviceRef.cpu(2), DeviceRef.cpu(3)), result.devices());
        assertEquals(List.of(List.of(DeviceRef.cpu(2), DeviceRef.cpu(3))), cpuHandlerSaw);
    }

    @Test
    void resolveOutsideValidateIsRefused() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        HotplugHandler late = context -> {
            try {
                context.addDevices(List.of(DeviceRef.cpu(9)));
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
        };
        sequencer.addHandler(late, ScriptedHandler.props("late", "execute", 100));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();

        assertTrue(thrown.get() instanceof IllegalStateException);
        assertTrue(thrown.get().getMessage().contains("validate phase only"), thrown.get().getMessage());
        assertEquals(List.of(DeviceRef.cpu(1)), result.devices());
    }

    @Test
    void progressReachesTheListenerAndEventsFollowTheRequestsLife() throws Exception {
        HotplugHandler stepper = context -> {
            int i = 0;
            for (DeviceRef d : context.devices()) {
                context.progress(d, ++i, context.devices().size(), "onlined " + d);
            }
        };
        sequencer.addHandler(stepper, ScriptedHandler.props("stepper", "execute", 400));
        List<Progress> reports = new CopyOnWriteArrayList<>();

        HotplugResult result = sequencer.submit(HotplugRequest.builder(Operation.ONLINE).id("r1")
                .target(DeviceRef.cpu(1)).target(DeviceRef.cpu(2)).build(), reports::add).getValue();

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(List.of("onlined cpu:1", "onlined cpu:2"), reports.stream().map(Progress::message).toList());
        assertEquals(List.of(HotplugEvents.QUEUED, HotplugEvents.STARTED, HotplugEvents.PROGRESS,
                HotplugEvents.PROGRESS, HotplugEvents.topic(Outcome.SUCCEEDED)), topics);
        Map<String, Object> last = eventProperties.get(eventProperties.size() - 1);
        assertEquals("r1", last.get(HotplugEvents.REQUEST_ID));
        assertEquals("online", last.get(HotplugEvents.OPERATION));
        assertEquals("SUCCEEDED", last.get(HotplugEvents.OUTCOME));
        assertArrayEquals(new String[] {"cpu:1", "cpu:2"}, (String[]) last.get(HotplugEvents.DEVICES));
    }

    @Test
    void handlerCallsCarryTheRequestIdInTheLoggingContext() throws Exception {
        AtomicReference<String> mdc = new AtomicReference<>();
        AtomicReference<String> threadName = new AtomicReference<>();
        sequencer.addHandler(context -> {
            mdc.set(MDC.get(Sequencer.MDC_REQUEST_ID));
            threadName.set(Thread.currentThread().getName());
        }, ScriptedHandler.props("mdc", "validate", 100));

        sequencer.submit(HotplugRequest.builder(Operation.ONLINE).id("mdc-1").target(DeviceRef.cpu(1)).build())
                .getValue();

        assertTrue(threadName.get().endsWith("[mdc-1]"), threadName.get());
        // slf4j-simple keeps no MDC (NOP adapter); a back end with one must see the id.
        if (!(MDC.getMDCAdapter() instanceof NOPMDCAdapter)) {
            assertEquals("mdc-1", mdc.get());
        }
    }

    @Test
    void historyKeepsTheNewestResultsUpToItsSize() throws Exception {
        sequencer.updateSettings(sequencer.settings().withHistorySize(3));
        for (int i = 0; i < 5; i++) {
            sequencer.submit(HotplugRequest.builder(Operation.ONLINE).id("h" + i).target(DeviceRef.cpu(1)).build())
                    .getValue();
        }

        assertEquals(List.of("h2", "h3", "h4"), sequencer.history(10).stream().map(HotplugResult::requestId).toList());
        assertEquals(List.of("h4"), sequencer.history(1).stream().map(HotplugResult::requestId).toList());
    }

    @Test
    void promiseCallbacksDoNotRunOnTheWorker() throws Exception {
        CountDownLatch callback = new CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();

        sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).onResolve(() -> {
            thread.set(Thread.currentThread().getName());
            callback.countDown();
        });

        assertTrue(callback.await(30, TimeUnit.SECONDS));
        assertTrue(!thread.get().startsWith("hotplug-sequencer"), thread.get());
    }
}
