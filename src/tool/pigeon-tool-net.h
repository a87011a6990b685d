/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Server diagnostics over src/net (issue 3): each takes the connection
 * options --host --port --security --user --password-file --ca-file --log. */
int pigeon_tool_smtp_send (int argc, char **argv);
int pigeon_tool_pop3_list (int argc, char **argv);
int pigeon_tool_pop3_fetch (int argc, char **argv);

G_END_DECLS
