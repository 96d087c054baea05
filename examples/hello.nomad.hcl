# A batch job with one exec task that prints a greeting and exits.
job "hello" {
  datacenters = ["dc1"]
  type        = "batch"

  group "hello" {
    task "say-hello" {
      driver = "exec"

      config {
        command = "/bin/echo"
        args    = ["hello from ${NOMAD_TASK_NAME}"]
      }

      resources {
        cpu    = 50
        memory = 32
      }
    }
  }
}
