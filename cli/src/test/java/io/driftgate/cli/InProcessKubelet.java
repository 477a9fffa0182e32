package io.driftgate.cli;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What a node does with driftgate's Jobs, with the driftgate CLI of this JVM as the container
 * image: for every Job created in the (mock) API server it creates the pods (one per completion
 * index, again after a failure up to the Job's retry limit), mounts their volumes (ConfigMaps are
 * written to a pod directory; a PersistentVolumeClaim must exist and is this machine's directory at
 * the same path), runs init containers then containers by calling {@link Main#execute} with the
 * container's args ({@code $(VAR)} expanded, the termination-message path pointed at a pod file),
 * and writes pod and Job status back the way the kubelet and the Job controller do.
 *
 * <p>Only what driftgate's Jobs use is implemented; scheduling (GPU, affinity) is not simulated.
 */
final class InProcessKubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final Path nodeDir;
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "in-process-kubelet");
            t.setDaemon(true);
            return t;
          });
  private final List<String> executed = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<Job> informer;

  InProcessKubelet(KubernetesClient client, String namespace, Path nodeDir) {
    this.client = client;
    this.namespace = namespace;
    this.nodeDir = nodeDir;
  }

  /** Every container run so far, as {@code <pod>/<container> exit=<code>: <args>}. */
  List<String> executed() {
    return List.copyOf(executed);
  }

  void start() {
    informer =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Job job) {
                    runner.execute(() -> run(job));
                  }

                  @Override
                  public void onUpdate(Job oldJob, Job newJob) {}

                  @Override
                  public void onDelete(Job job, boolean unknown) {}
                },
                0);
  }

  private void run(Job job) {
    try {
      boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
      int completions = job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
      Integer limit =
          indexed ? job.getSpec().getBackoffLimitPerIndex() : job.getSpec().getBackoffLimit();
      int retries = limit == null ? 0 : limit;
      int succeeded = 0;
      int failed = 0;
      List<String> failedIndexes = new ArrayList<>();
      for (int index = 0; index < completions; index++) {
        boolean ok = false;
        for (int attempt = 0; attempt <= retries && !ok; attempt++) {
          ok = runPod(job, index, attempt, indexed);
          if (!ok) {
            failed++;
          }
        }
        if (ok) {
          succeeded++;
        } else {
          failedIndexes.add(Integer.toString(index));
          if (!indexed) {
            break;
          }
        }
      }
      JobStatusBuilder status = new JobStatusBuilder().withSucceeded(succeeded).withFailed(failed);
      if (failedIndexes.isEmpty()) {
        status.withConditions(
            new JobConditionBuilder().withType("Complete").withStatus("True").build());
      } else {
        if (indexed) {
          status.withFailedIndexes(String.join(",", failedIndexes));
        }
        status.withConditions(
            new JobConditionBuilder()
                .withType("Failed")
                .withStatus("True")
                .withReason(indexed ? "FailedIndexes" : "BackoffLimitExceeded")
                .build());
      }
      Job latest = client.batch().v1().jobs().inNamespace(namespace).withName(name(job)).get();
      if (latest != null) { // deleted meanwhile (cancelled)
        latest.setStatus(status.build());
        client.batch().v1().jobs().inNamespace(namespace).resource(latest).updateStatus();
      }
    } catch (Exception e) {
      executed.add(name(job) + " kubelet error: " + e);
    }
  }

  private boolean runPod(Job job, int index, int attempt, boolean indexed) throws IOException {
    String podName = name(job) + "-" + index + "-" + attempt;
    Map<String, String> annotations =
        new LinkedHashMap<>(job.getSpec().getTemplate().getMetadata().getAnnotations());
    if (indexed) {
      annotations.put("batch.kubernetes.io/job-completion-index", Integer.toString(index));
    }
    Pod pod =
        client
            .pods()
            .inNamespace(namespace)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(podName)
                    .withNamespace(namespace)
                    .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                    .withAnnotations(annotations)
                    .endMetadata()
                    .withSpec(job.getSpec().getTemplate().getSpec())
                    .build())
            .create();
    Path podDir = Files.createDirectories(nodeDir.resolve(podName));
    Map<String, Path> volumes = mountVolumes(pod, podDir);
    PodStatusBuilder status = new PodStatusBuilder().withPhase("Running");
    boolean ok = true;
    List<ContainerStatus> init = new ArrayList<>();
    for (Container c : pod.getSpec().getInitContainers()) {
      ContainerStatus cs = runContainer(podName, c, volumes, podDir, index);
      init.add(cs);
      status.withInitContainerStatuses(init);
      updateStatus(podName, status);
      if (cs.getState().getTerminated().getExitCode() != 0) {
        ok = false;
        break;
      }
    }
    if (ok) {
      List<ContainerStatus> main = new ArrayList<>();
      for (Container c : pod.getSpec().getContainers()) {
        ContainerStatus cs = runContainer(podName, c, volumes, podDir, index);
        main.add(cs);
        ok &= cs.getState().getTerminated().getExitCode() == 0;
      }
      status.withContainerStatuses(main);
    }
    updateStatus(podName, status.withPhase(ok ? "Succeeded" : "Failed"));
    return ok;
  }

  private void updateStatus(String podName, PodStatusBuilder status) {
    Pod latest = client.pods().inNamespace(namespace).withName(podName).get();
    latest.setStatus(status.build());
    client.pods().inNamespace(namespace).resource(latest).updateStatus();
  }

  /** Volume name to where its contents are on this machine. */
  private Map<String, Path> mountVolumes(Pod pod, Path podDir) throws IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    for (Volume v : pod.getSpec().getVolumes()) {
      if (v.getConfigMap() != null) {
        ConfigMap cm =
            client.configMaps().inNamespace(namespace).withName(v.getConfigMap().getName()).get();
        if (cm == null) {
          throw new IllegalStateException("configmap " + v.getConfigMap().getName() + " missing");
        }
        // One directory per ConfigMap, not per pod: every pod sees the spec at the same path.
        Path dir =
            Files.createDirectories(
                nodeDir.resolve("configmaps").resolve(cm.getMetadata().getName()));
        for (Map.Entry<String, String> e : cm.getData().entrySet()) {
          Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
        out.put(v.getName(), dir);
      } else if (v.getPersistentVolumeClaim() != null) {
        String claim = v.getPersistentVolumeClaim().getClaimName();
        if (client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get() == null) {
          throw new IllegalStateException("persistentvolumeclaim " + claim + " missing");
        }
        out.put(v.getName(), null); // null: this machine's directory at the mount path
      } else if (v.getEmptyDir() != null) {
        out.put(
            v.getName(), Files.createDirectories(podDir.resolve("volumes").resolve(v.getName())));
      } else {
        throw new IllegalStateException("volume kind of " + v.getName() + " not simulated");
      }
    }
    return out;
  }

  private ContainerStatus runContainer(
      String podName, Container c, Map<String, Path> volumes, Path podDir, int index)
      throws IOException {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (VolumeMount m : c.getVolumeMounts()) {
      Path local = volumes.get(m.getName());
      mounts.put(m.getMountPath(), local == null ? m.getMountPath() : local.toString());
    }
    Path termination = podDir.resolve(c.getName() + ".termination-log");
    if (c.getTerminationMessagePath() != null) {
      mounts.put(c.getTerminationMessagePath(), termination.toString());
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JOB_COMPLETION_INDEX", Integer.toString(index));
    for (EnvVar e : c.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    List<String> args = new ArrayList<>();
    for (String a : c.getArgs()) {
      for (Map.Entry<String, String> e : env.entrySet()) {
        a = a.replace("$(" + e.getKey() + ")", e.getValue());
      }
      String mount = null; // the deepest mount holding the path wins, as in a container
      for (String path : mounts.keySet()) {
        if ((a.equals(path) || a.startsWith(path + "/"))
            && (mount == null || path.length() > mount.length())) {
          mount = path;
        }
      }
      args.add(mount == null ? a : mounts.get(mount) + a.substring(mount.length()));
    }
    int exit = Main.execute(args.toArray(String[]::new));
    executed.add(podName + "/" + c.getName() + " exit=" + exit + ": " + String.join(" ", args));
    String message = Files.exists(termination) ? Files.readString(termination) : null;
    return new ContainerStatusBuilder()
        .withName(c.getName())
        .withNewState()
        .withNewTerminated()
        .withExitCode(exit)
        .withMessage(message)
        .withReason(exit == 0 ? "Completed" : "Error")
        .endTerminated()
        .endState()
        .build();
  }

  private static String name(Job job) {
    return job.getMetadata().getName();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    runner.shutdownNow();
  }
}
