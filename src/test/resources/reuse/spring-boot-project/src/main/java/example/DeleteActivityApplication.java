package example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Spring Boot application whose one route deletes the Bitrix24 activity it is sent. */
@SpringBootApplication
public class DeleteActivityApplication {

    public static void main(String[] args) {
        SpringApplication.run(DeleteActivityApplication.class, args);
    }
}
