/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* IMAP server diagnostics over src/net/imap (issue 5), with the connection
 * options of pigeon-tool-net.h: --host --port --security --user
 * --password-file --ca-file --log. */
int pigeon_tool_imap_list (int argc, char **argv);
int pigeon_tool_imap_fetch (int argc, char **argv);

G_END_DECLS
