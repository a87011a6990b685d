/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-net.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-autodiscover.h"
#include "pigeon-engine-error.h"

struct _PigeonAutodiscover
{
  GObject parent_instance;
  GResolver *resolver;
  PigeonProbeFunc probe;
  gpointer probe_data;
  char *ca_file;
  gboolean use_presets;
};

G_DEFINE_FINAL_TYPE (PigeonAutodiscover, pigeon_autodiscover, G_TYPE_OBJECT)

/* A candidate server; @rank orders them, lower is better: security first
 * (RFC 8314: implicit TLS over STARTTLS), then IMAP over POP3. */
typedef struct
{
  const char *protocol; /* "imap", "pop3", "smtp" (static) */
  PigeonServer server;
  guint rank;
  gboolean works;
} Candidate;

typedef struct
{
  const char *service;
  const char *protocol;
  PigeonSecurity security;
  guint rank;
} SrvService;

static const SrvService srv_services[] = {
  { "imaps", "imap", PIGEON_SECURITY_TLS, 0 },       { "pop3s", "pop3", PIGEON_SECURITY_TLS, 1 },
  { "imap", "imap", PIGEON_SECURITY_STARTTLS, 2 },   { "pop3", "pop3", PIGEON_SECURITY_STARTTLS, 3 },
  { "submissions", "smtp", PIGEON_SECURITY_TLS, 0 }, { "submission", "smtp", PIGEON_SECURITY_STARTTLS, 1 },
};

typedef struct
{
  char *domain;
  GPtrArray *candidates; /* Candidate */
  guint pending;
  gboolean guessed;
} Discover;

static void
candidate_free (Candidate *candidate)
{
  g_free (candidate->server.host);
  g_free (candidate);
}

static void
discover_free (Discover *data)
{
  g_free (data->domain);
  g_ptr_array_unref (data->candidates);
  g_free (data);
}

void
pigeon_discovery_free (PigeonDiscovery *discovery)
{
  if (discovery == NULL)
    return;
  g_free (discovery->incoming.host);
  g_free (discovery->smtp.host);
  g_free (discovery->source);
  g_free (discovery->note);
  g_free (discovery);
}

static void default_probe (
    const char *protocol, const PigeonServer *server, GCancellable *cancellable, GTask *task, gpointer user_data);

static void
pigeon_autodiscover_finalize (GObject *object)
{
  PigeonAutodiscover *self = PIGEON_AUTODISCOVER (object);

  g_clear_object (&self->resolver);
  g_free (self->ca_file);
  G_OBJECT_CLASS (pigeon_autodiscover_parent_class)->finalize (object);
}

static void
pigeon_autodiscover_class_init (PigeonAutodiscoverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_autodiscover_finalize;
}

static void
pigeon_autodiscover_init (PigeonAutodiscover *self)
{
  self->resolver = g_resolver_get_default ();
  self->probe = default_probe;
  self->probe_data = self;
  self->use_presets = TRUE;
}

PigeonAutodiscover *
pigeon_autodiscover_new (void)
{
  return g_object_new (PIGEON_TYPE_AUTODISCOVER, NULL);
}

void
pigeon_autodiscover_set_resolver (PigeonAutodiscover *self, GResolver *resolver)
{
  g_return_if_fail (PIGEON_IS_AUTODISCOVER (self));
  g_return_if_fail (G_IS_RESOLVER (resolver));
  g_set_object (&self->resolver, resolver);
}

void
pigeon_autodiscover_set_probe_func (PigeonAutodiscover *self, PigeonProbeFunc func, gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_AUTODISCOVER (self));
  self->probe = func != NULL ? func : default_probe;
  self->probe_data = func != NULL ? user_data : self;
}

void
pigeon_autodiscover_set_ca_file (PigeonAutodiscover *self, const char *path)
{
  g_return_if_fail (PIGEON_IS_AUTODISCOVER (self));
  g_free (self->ca_file);
  self->ca_file = g_strdup (path);
}

void
pigeon_autodiscover_set_use_presets (PigeonAutodiscover *self, gboolean use_presets)
{
  g_return_if_fail (PIGEON_IS_AUTODISCOVER (self));
  self->use_presets = use_presets;
}

static void
add_candidate (Discover *data, const char *protocol, const char *host, guint port, PigeonSecurity security, guint rank)
{
  Candidate *candidate = g_new0 (Candidate, 1);

  candidate->protocol = protocol;
  candidate->server.host = g_strdup (host);
  candidate->server.port = port;
  candidate->server.security = security;
  candidate->rank = rank;
  g_ptr_array_add (data->candidates, candidate);
}

static const Candidate *
best (Discover *data, gboolean smtp)
{
  const Candidate *found = NULL;

  for (guint i = 0; i < data->candidates->len; i++)
    {
      const Candidate *candidate = g_ptr_array_index (data->candidates, i);

      if (!candidate->works || g_str_equal (candidate->protocol, "smtp") != smtp)
        continue;
      if (found == NULL || candidate->rank < found->rank)
        found = candidate;
    }
  return found;
}

static void
server_set (PigeonServer *to, const PigeonServer *from)
{
  *to = *from;
  to->host = g_strdup (from->host);
}

static void probe_all (GTask *task);

/* The usual names, for what SRV did not give. */
static void
add_guesses (Discover *data, gboolean incoming, gboolean smtp)
{
  const char *d = data->domain;
  g_autofree char *imap = g_strconcat ("imap.", d, NULL);
  g_autofree char *mail = g_strconcat ("mail.", d, NULL);
  g_autofree char *pop = g_strconcat ("pop.", d, NULL);
  g_autofree char *pop3 = g_strconcat ("pop3.", d, NULL);
  g_autofree char *smtp_host = g_strconcat ("smtp.", d, NULL);

  g_ptr_array_set_size (data->candidates, 0);
  if (incoming)
    {
      const char *imap_hosts[] = { imap, mail };
      const char *pop_hosts[] = { pop, pop3, mail };

      for (guint i = 0; i < G_N_ELEMENTS (imap_hosts); i++)
        {
          add_candidate (data, "imap", imap_hosts[i], 993, PIGEON_SECURITY_TLS, 0);
          add_candidate (data, "imap", imap_hosts[i], 143, PIGEON_SECURITY_STARTTLS, 2);
        }
      for (guint i = 0; i < G_N_ELEMENTS (pop_hosts); i++)
        {
          add_candidate (data, "pop3", pop_hosts[i], 995, PIGEON_SECURITY_TLS, 1);
          add_candidate (data, "pop3", pop_hosts[i], 110, PIGEON_SECURITY_STARTTLS, 3);
        }
    }
  if (smtp)
    {
      const char *hosts[] = { smtp_host, mail };

      for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
        {
          add_candidate (data, "smtp", hosts[i], 465, PIGEON_SECURITY_TLS, 0);
          add_candidate (data, "smtp", hosts[i], 587, PIGEON_SECURITY_STARTTLS, 1);
        }
    }
}

static void
conclude (GTask *task)
{
  Discover *data = g_task_get_task_data (task);
  const Candidate *in = best (data, FALSE);
  const Candidate *out = best (data, TRUE);
  PigeonDiscovery *partial = g_object_get_data (G_OBJECT (task), "partial");

  if (partial == NULL)
    {
      partial = g_new0 (PigeonDiscovery, 1);
      g_object_set_data_full (G_OBJECT (task), "partial", partial, (GDestroyNotify) pigeon_discovery_free);
    }
  if (partial->incoming.host == NULL && in != NULL)
    {
      server_set (&partial->incoming, &in->server);
      partial->incoming_protocol = g_str_equal (in->protocol, "imap") ? PIGEON_PROTOCOL_IMAP : PIGEON_PROTOCOL_POP3;
    }
  if (partial->smtp.host == NULL && out != NULL)
    server_set (&partial->smtp, &out->server);
  if (partial->incoming.host != NULL && partial->smtp.host != NULL)
    {
      g_free (partial->source);
      partial->source = g_strdup (data->guessed ? "guess" : "srv");
      g_task_return_pointer (task, g_object_steal_data (G_OBJECT (task), "partial"),
                             (GDestroyNotify) pigeon_discovery_free);
      g_object_unref (task);
      return;
    }
  if (data->guessed)
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_DISCOVERY,
                               _ ("No mail servers were found for %s. Enter the servers' names and ports "
                                  "(your provider's help pages list them)."),
                               data->domain);
      g_object_unref (task);
      return;
    }
  data->guessed = TRUE;
  add_guesses (data, partial->incoming.host == NULL, partial->smtp.host == NULL);
  probe_all (task);
}

static void
probed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Discover *data = g_task_get_task_data (task);
  Candidate *candidate = g_object_get_data (G_OBJECT (result), "candidate");
  g_autoptr (GError) error = NULL;

  candidate->works = g_task_propagate_boolean (G_TASK (result), &error);
  if (error != NULL)
    g_debug ("Probe %s %s:%u: %s", candidate->protocol, candidate->server.host, candidate->server.port, error->message);
  if (--data->pending == 0)
    conclude (task);
}

static void
probe_all (GTask *task)
{
  PigeonAutodiscover *self = g_task_get_source_object (task);
  Discover *data = g_task_get_task_data (task);

  data->pending = 1;
  for (guint i = 0; i < data->candidates->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (data->candidates, i);
      GTask *probe = g_task_new (NULL, g_task_get_cancellable (task), probed_cb, task);

      g_object_set_data (G_OBJECT (probe), "candidate", candidate);
      data->pending++;
      self->probe (candidate->protocol, &candidate->server, g_task_get_cancellable (task), probe, self->probe_data);
    }
  if (--data->pending == 0)
    conclude (task);
}

typedef struct
{
  GTask *task;
  const SrvService *service;
} SrvLookup;

static void
srv_lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SrvLookup *lookup = user_data;
  GTask *task = lookup->task;
  Discover *data = g_task_get_task_data (task);
  GList *targets = g_resolver_lookup_service_finish (G_RESOLVER (source), result, NULL);

  if (targets != NULL)
    {
      GSrvTarget *target = targets->data;
      const char *host = g_srv_target_get_hostname (target);

      if (g_strcmp0 (host, ".") != 0 && *host != '\0' && g_srv_target_get_port (target) != 0)
        add_candidate (data, lookup->service->protocol, host, g_srv_target_get_port (target), lookup->service->security,
                       lookup->service->rank);
    }
  g_resolver_free_targets (targets);
  g_free (lookup);
  if (--data->pending == 0)
    probe_all (task);
}

void
pigeon_autodiscover_discover_async (PigeonAutodiscover *self,
                                    const char *address,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  GTask *task;
  Discover *data;
  const char *at;
  g_autoptr (PigeonProvider) provider = NULL;

  g_return_if_fail (PIGEON_IS_AUTODISCOVER (self));
  g_return_if_fail (address != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_autodiscover_discover_async);
  at = strrchr (address, '@');
  data = g_new0 (Discover, 1);
  data->domain = g_ascii_strdown (at != NULL ? at + 1 : address, -1);
  data->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  g_task_set_task_data (task, data, (GDestroyNotify) discover_free);

  provider = self->use_presets ? pigeon_provider_lookup (data->domain) : NULL;
  if (provider != NULL)
    {
      PigeonDiscovery *found = g_new0 (PigeonDiscovery, 1);
      gboolean imap = provider->imap.host != NULL;

      found->incoming_protocol = imap ? PIGEON_PROTOCOL_IMAP : PIGEON_PROTOCOL_POP3;
      server_set (&found->incoming, imap ? &provider->imap : &provider->pop3);
      server_set (&found->smtp, &provider->smtp);
      found->source = g_strdup ("preset");
      found->note = g_strdup (provider->note);
      g_task_return_pointer (task, found, (GDestroyNotify) pigeon_discovery_free);
      g_object_unref (task);
      return;
    }
  data->pending = 1;
  for (guint i = 0; i < G_N_ELEMENTS (srv_services); i++)
    {
      SrvLookup *lookup = g_new0 (SrvLookup, 1);

      lookup->task = task;
      lookup->service = &srv_services[i];
      data->pending++;
      g_resolver_lookup_service_async (self->resolver, srv_services[i].service, "tcp", data->domain, cancellable,
                                       srv_lookup_cb, lookup);
    }
  if (--data->pending == 0)
    probe_all (task);
}

PigeonDiscovery *
pigeon_autodiscover_discover_finish (PigeonAutodiscover *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The default probe: connect (a TLS handshake verifies the certificate),
 * read the greeting, and for STARTTLS ask for it and upgrade (RFC 2595,
 * RFC 3207). Nothing is signed in. */

typedef struct
{
  PigeonConnection *connection;
  const char *protocol;
  guint step;
} Probe;

static void
probe_free (Probe *probe)
{
  pigeon_connection_close (probe->connection);
  g_object_unref (probe->connection);
  g_free (probe);
}

static void probe_read (GTask *task);

static void
probe_starttls_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (pigeon_connection_starttls_finish (PIGEON_CONNECTION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
probe_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!pigeon_connection_write_finish (PIGEON_CONNECTION (source), result, &error))
    g_task_return_error (task, error);
  else
    probe_read (task);
}

static void
probe_send (GTask *task, const char *command)
{
  Probe *probe = g_task_get_task_data (task);
  g_autoptr (GBytes) bytes = g_bytes_new (command, strlen (command));

  pigeon_connection_write_async (probe->connection, bytes, NULL, g_task_get_cancellable (task), probe_written_cb,
                                 g_object_ref (task));
}

/* The reply each step waits for: greeting, then (STARTTLS) the go-ahead;
 * SMTP says EHLO before STARTTLS. */
static const char *
expected_reply (Probe *probe)
{
  if (g_str_equal (probe->protocol, "imap"))
    return probe->step == 0 ? "* OK" : "P OK";
  if (g_str_equal (probe->protocol, "pop3"))
    return "+OK";
  return probe->step == 1 ? "250 " : "220";
}

static void
probe_line (GTask *task, const char *line)
{
  Probe *probe = g_task_get_task_data (task);
  gboolean smtp = g_str_equal (probe->protocol, "smtp");
  guint last = smtp ? 2 : 1;

  if ((smtp && strlen (line) > 3 && line[3] == '-') || (probe->step > 0 && g_str_has_prefix (line, "* ")))
    {
      probe_read (task);
      return;
    }
  if (!g_str_has_prefix (line, expected_reply (probe)))
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_SERVER, "unexpected reply: %.40s", line);
      return;
    }
  if (pigeon_connection_get_security (probe->connection) != PIGEON_NET_SECURITY_STARTTLS)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (probe->step == last)
    {
      pigeon_connection_starttls_async (probe->connection, g_task_get_cancellable (task), probe_starttls_cb,
                                        g_object_ref (task));
      return;
    }
  probe->step++;
  if (g_str_equal (probe->protocol, "imap"))
    probe_send (task, "P STARTTLS\r\n");
  else if (!smtp)
    probe_send (task, "STLS\r\n");
  else
    probe_send (task, probe->step == 1 ? "EHLO pigeon.invalid\r\n" : "STARTTLS\r\n");
}

static void
probe_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autofree char *line = pigeon_connection_read_line_finish (PIGEON_CONNECTION (source), result, NULL, &error);

  if (line == NULL)
    g_task_return_error (task, error);
  else
    probe_line (task, line);
}

static void
probe_read (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  pigeon_connection_read_line_async (probe->connection, g_task_get_cancellable (task), probe_line_cb,
                                     g_object_ref (task));
}

static void
probe_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!pigeon_connection_connect_finish (PIGEON_CONNECTION (source), result, &error))
    g_task_return_error (task, error);
  else
    probe_read (task);
}

static void
default_probe (
    const char *protocol, const PigeonServer *server, GCancellable *cancellable, GTask *task, gpointer user_data)
{
  PigeonAutodiscover *self = user_data;
  Probe *probe = g_new0 (Probe, 1);
  GError *error = NULL;

  probe->protocol = protocol;
  probe->connection = pigeon_connection_new (server->host, server->port, pigeon_engine_net_security (server->security));
  pigeon_connection_set_timeouts (probe->connection, 10, 10, 10);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  if (self->ca_file != NULL && !pigeon_connection_set_ca_file (probe->connection, self->ca_file, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  pigeon_connection_connect_async (probe->connection, cancellable, probe_connected_cb, task);
}
