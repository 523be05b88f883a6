package dev.camelbitrix24.component;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Bitrix24 REST methods the component can call, by their name in the endpoint URI.
 */
public enum Bitrix24Method {

    CRM_ACTIVITY_DELETE("crm.activity.delete"),
    /** One page of the ids a filter selects, for deleting by filter (see {@link Bitrix24ListProducer}). */
    CRM_ACTIVITY_LIST("crm.activity.list");

    private final String methodName;

    Bitrix24Method(String methodName) {
        this.methodName = methodName;
    }

    public String methodName() {
        return methodName;
    }

    /** The method named in a URI (Bitrix24 method names are case-insensitive), or an error listing the supported ones. */
    public static Bitrix24Method fromName(String name) {
        for (Bitrix24Method method : values()) {
            if (method.methodName.equalsIgnoreCase(name)) {
                return method;
            }
        }
        throw new IllegalArgumentException("Unsupported Bitrix24 method '" + name + "'. Supported: " + supported());
    }

    public static String supported() {
        return Arrays.stream(values()).map(Bitrix24Method::methodName).collect(Collectors.joining(", "));
    }
}
