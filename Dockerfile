# EventGate - AWS Lambda container image (lambda_package_type = "Image").
#
# The Zip package (target/eventgate-lambda.zip, runtime java17) is the default
# deployment and the only one that supports SnapStart. This container path
# exists for deployments that need to customise the runtime environment, e.g.:
#   * custom JVM options baked into the image (ENV JAVA_TOOL_OPTIONS=...),
#   * extra CA material, e.g. a corporate CA bundle imported into the JVM
#     truststore,
#   * Kerberos material for SASL/GSSAPI: krb5.conf, keytab, JAAS config.
# The Kafka sink uses the pure-Java Kafka client, so no native librdkafka (or
# any compiler toolchain) is needed, unlike the original Python image.
#
# Build (from the project root, after `mvn package`):
#   docker build --platform linux/amd64 -t eventgate:latest .
#   (use linux/arm64 if the function is deployed with lambda_architecture = "arm64")
#
# Run locally with the bundled Runtime Interface Emulator:
#   docker run -p 9000:8080 eventgate:latest
#   curl http://localhost:9000/2015-03-31/functions/function/invocations -d '{"httpMethod":"GET","path":"/health"}'
#
# Push to ECR and deploy with terraform/ (lambda_src_ecr_image, preferably pinned by digest).

FROM public.ecr.aws/lambda/java:17

# EventGate starts through its own entry point (src/main/docker/lambda-entrypoint.sh): the same
# runtime interface client and JVM flags as the base image's runtime, plus a class-data-sharing
# archive, which more than halves the cold start (BENCHMARKS.md, step e). All classes are jars in
# lib/, EventGate's too (the archive refuses a class directory on the class path). Dependencies
# first: they change less often, so their layer is reused.
COPY target/lib/ ${LAMBDA_TASK_ROOT}/lib/
COPY target/image-lib/ ${LAMBDA_TASK_ROOT}/lib/
COPY target/eventgate.jar ${LAMBDA_TASK_ROOT}/lib/
COPY src/main/docker/lambda-entrypoint.sh /usr/local/bin/eventgate-entrypoint

# Configuration (CONF_DIR, default conf/) and sink routes (EVENTGATE_ROUTES_DIR, default routes),
# resolved relative to the task root.
COPY conf/ ${LAMBDA_TASK_ROOT}/conf/
COPY routes/ ${LAMBDA_TASK_ROOT}/routes/

# --- Optional customisations (uncomment and adapt) ---------------------------
# Corporate CA into the JVM default truststore:
# COPY certs/corporate-ca.pem /tmp/corporate-ca.pem
# RUN keytool -importcert -noprompt -cacerts -storepass changeit \
#       -alias corporate-ca -file /tmp/corporate-ca.pem && rm /tmp/corporate-ca.pem
#
# Kerberos (SASL_SSL + GSSAPI) for the Kafka client (README, "Kafka security"): put krb5.conf and
# the keytab into kerberos/ beside this file (keep that folder out of git), and reference them:
#   kafka.sasl.jaas.config = com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true
#       storeKey=true keyTab="/opt/kerberos/eventgate.keytab" principal="eventgate@EXAMPLE.COM";
#   JAVA_TOOL_OPTIONS      = ... -Djava.security.krb5.conf=/opt/kerberos/krb5.conf
# Lambda runs the function as a user other than root: the files must be readable by it (mode 444).
# (Function environment variables override image ENV: with Terraform, either put
#  the flags into var.java_tool_options or set java_tool_options = "".)
# COPY kerberos/krb5.conf kerberos/eventgate.keytab /opt/kerberos/
# RUN chmod 755 /opt/kerberos && chmod 444 /opt/kerberos/krb5.conf /opt/kerberos/eventgate.keytab
# ENV JAVA_TOOL_OPTIONS="-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -Djava.security.krb5.conf=/opt/kerberos/krb5.conf"
# -----------------------------------------------------------------------------

# The archive must be written by the JVM that will read it, so it is made here, by the image's own
# java, with the entry point's flags and class path. The training run needs no network: it answers a
# few events from a local stand-in of the Lambda Runtime API, Kafka pointed at a closed port.
# It comes last, after any customisation above, so that it sees the final JVM setup.
# Rebuild the image when any jar changes. EVENTGATE_CDS=off starts without the archive.
RUN chmod 755 /usr/local/bin/eventgate-entrypoint && /usr/local/bin/eventgate-entrypoint --train

ENTRYPOINT ["/usr/local/bin/eventgate-entrypoint"]
CMD ["io.eventgate.frontdoor.LambdaHandler::handleRequest"]
