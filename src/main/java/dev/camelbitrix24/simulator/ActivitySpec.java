package dev.camelbitrix24.simulator;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What kind of activity {@link SimulatorControl#addActivity(ActivitySpec)} creates: who may read it, who may delete
 * it, and whether a REST application owns it (then only that app may delete it, and a webhook gets
 * {@code Application context required.}). By default anyone may read and delete it and no app owns it.
 */
public final class ActivitySpec {

    private final String ownerApp;
    private final Set<Integer> readers;
    private final Set<Integer> deleters;
    private final String subject;

    private ActivitySpec(String ownerApp, Set<Integer> readers, Set<Integer> deleters, String subject) {
        this.ownerApp = ownerApp;
        this.readers = readers;
        this.deleters = deleters;
        this.subject = subject;
    }

    /** An activity anyone may read and delete. */
    public static ActivitySpec plain() {
        return new ActivitySpec(null, null, null, null);
    }

    /** Created by the REST application with this client id. */
    public ActivitySpec ownedByApp(String clientId) {
        return new ActivitySpec(clientId, readers, deleters, subject);
    }

    /** Only these users may read it; to everyone else it is "not found". */
    public ActivitySpec readableOnlyBy(int... userIds) {
        return new ActivitySpec(ownerApp, toSet(userIds), deleters, subject);
    }

    /** Only these users may delete it (others who can read it get "Access denied."). */
    public ActivitySpec deletableOnlyBy(int... userIds) {
        return new ActivitySpec(ownerApp, readers, toSet(userIds), subject);
    }

    public ActivitySpec subject(String value) {
        return new ActivitySpec(ownerApp, readers, deleters, value);
    }

    private static Set<Integer> toSet(int... ids) {
        return Arrays.stream(ids).boxed().collect(Collectors.toUnmodifiableSet());
    }

    String ownerApp() {
        return ownerApp;
    }

    Set<Integer> readers() {
        return readers;
    }

    Set<Integer> deleters() {
        return deleters;
    }

    String subjectOrNull() {
        return subject;
    }
}
