package dev.camelbitrix24.app;

import java.util.Map;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/** DEV ONLY until the real component is merged: answers by id range as the component would. */
public class StandInBitrix24Component extends DefaultComponent {
    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new DefaultEndpoint(uri, this) {
            @Override
            public Producer createProducer() {
                return new DefaultProducer(this) {
                    @Override
                    public void process(Exchange exchange) {
                        long id = exchange.getMessage().getBody(Long.class);
                        Bitrix24ErrorType type = id < 1000 ? null : id < 3000 ? Bitrix24ErrorType.NOT_FOUND
                                : id < 4000 ? Bitrix24ErrorType.ACCESS_DENIED : id < 5000 ? Bitrix24ErrorType.APPLICATION_CONTEXT_REQUIRED
                                : id < 6000 ? Bitrix24ErrorType.SERVER_ERROR : null;
                        if (id >= 6000) {
                            throw new IllegalStateException("boom at http://portal/rest/1/secretcode/");
                        }
                        exchange.getMessage().setHeader(Bitrix24Constants.ATTEMPTS, type == Bitrix24ErrorType.SERVER_ERROR ? 3 : 1);
                        if (type == null) {
                            exchange.getMessage().setHeader(Bitrix24Constants.OUTCOME, "DELETED");
                            exchange.getMessage().setHeader(Bitrix24Constants.HTTP_STATUS, 200);
                            exchange.getMessage().setBody(Map.of("id", id, "result", true));
                        } else {
                            int status = type == Bitrix24ErrorType.SERVER_ERROR ? 500 : 400;
                            exchange.setException(new Bitrix24Exception(type, type == Bitrix24ErrorType.SERVER_ERROR ? "INTERNAL_SERVER_ERROR" : "",
                                    type.name(), status, type == Bitrix24ErrorType.SERVER_ERROR ? 3 : 1));
                        }
                    }
                };
            }

            @Override
            public Consumer createConsumer(Processor processor) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
