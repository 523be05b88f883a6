package dev.camelbitrix24.simulator;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What kind of activity {@link SimulatorControl#addActivity(ActivitySpec)} creates: who may read it, who may delete
 * it, whether a REST application owns it (then only that app may delete it, and a webhook gets
 * {@code Application context required.}), and the fields {@code crm.activity.list} filters on: its owner (the CRM
 * item it belongs to), type, responsible user and whether it is completed. By default anyone may read and delete it,
 * no app owns it, and it is an open to-do of user 1 on deal 1.
 */
public final class ActivitySpec {

    private final String ownerApp;
    private final Set<Integer> readers;
    private final Set<Integer> deleters;
    private final String subject;
    private final int ownerTypeId;
    private final long ownerId;
    private final int typeId;
    private final int responsibleId;
    private final boolean completed;

    private ActivitySpec(String ownerApp, Set<Integer> readers, Set<Integer> deleters, String subject, int ownerTypeId,
                         long ownerId, int typeId, int responsibleId, boolean completed) {
        this.ownerApp = ownerApp;
        this.readers = readers;
        this.deleters = deleters;
        this.subject = subject;
        this.ownerTypeId = ownerTypeId;
        this.ownerId = ownerId;
        this.typeId = typeId;
        this.responsibleId = responsibleId;
        this.completed = completed;
    }

    /** An activity anyone may read and delete. */
    public static ActivitySpec plain() {
        return new ActivitySpec(null, null, null, null, 2, 1, 6, 1, false);
    }

    /** Created by the REST application with this client id. */
    public ActivitySpec ownedByApp(String clientId) {
        return new ActivitySpec(clientId, readers, deleters, subject, ownerTypeId, ownerId, typeId, responsibleId, completed);
    }

    /** Only these users may read it; to everyone else it is "not found". */
    public ActivitySpec readableOnlyBy(int... userIds) {
        return new ActivitySpec(ownerApp, toSet(userIds), deleters, subject, ownerTypeId, ownerId, typeId, responsibleId,
                completed);
    }

    /** Only these users may delete it (others who can read it get "Access denied."). */
    public ActivitySpec deletableOnlyBy(int... userIds) {
        return new ActivitySpec(ownerApp, readers, toSet(userIds), subject, ownerTypeId, ownerId, typeId, responsibleId,
                completed);
    }

    public ActivitySpec subject(String value) {
        return new ActivitySpec(ownerApp, readers, deleters, value, ownerTypeId, ownerId, typeId, responsibleId, completed);
    }

    /** The CRM item it belongs to: {@code OWNER_TYPE_ID} (1 lead, 2 deal, 3 contact, 4 company, ...) and {@code OWNER_ID}. */
    public ActivitySpec owner(int typeId, long id) {
        return new ActivitySpec(ownerApp, readers, deleters, subject, typeId, id, this.typeId, responsibleId, completed);
    }

    /** Its {@code TYPE_ID} (1 meeting, 2 call, 3 task, 4 e-mail, 6 to-do, ...). */
    public ActivitySpec type(int value) {
        return new ActivitySpec(ownerApp, readers, deleters, subject, ownerTypeId, ownerId, value, responsibleId, completed);
    }

    public ActivitySpec responsible(int userId) {
        return new ActivitySpec(ownerApp, readers, deleters, subject, ownerTypeId, ownerId, typeId, userId, completed);
    }

    public ActivitySpec completed(boolean value) {
        return new ActivitySpec(ownerApp, readers, deleters, subject, ownerTypeId, ownerId, typeId, responsibleId, value);
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

    int ownerTypeId() {
        return ownerTypeId;
    }

    long ownerId() {
        return ownerId;
    }

    int typeId() {
        return typeId;
    }

    int responsibleId() {
        return responsibleId;
    }

    boolean completed() {
        return completed;
    }
}
