package example;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** Deletes the activity whose id is the body; the portal and the rest come from camel.component.bitrix24.*. */
@Component
public class DeleteActivityRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:delete-activity").routeId("delete-activity")
                .to("bitrix24:crm.activity.delete");
    }
}
