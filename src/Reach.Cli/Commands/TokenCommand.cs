using System.Globalization;
using Reach.Runner;
using Reach.Storage;

namespace Reach.Cli.Commands;

/// <summary><c>reach token create|list|revoke</c>: the runner's API tokens, kept (as hashes only) in the runner's database.</summary>
internal static class TokenCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var database = new Option<string?>("--database") { Description = "The runner's PostgreSQL database (default: REACH_DATABASE_URL, else SQLite in REACH_HOME/reach.db)", Recursive = true };
        var tenant = new Option<string>("--tenant") { Description = "The tenant the token acts for", Required = true };
        var name = new Option<string?>("--name") { Description = "A name to recognise the token by (default: the tenant)" };
        var create = new Command("create", "Create a token for one tenant and print it once; only its SHA-256 is stored.\n\nExample:\n  reach token create --tenant acme --name ci") { tenant, name };
        create.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var store = ServeCommand.OpenStore(context, parse.GetValue(database));
            try
            {
                var (token, secret) = Tokens.CreateAsync(store, parse.GetValue(tenant)!, parse.GetValue(name) ?? parse.GetValue(tenant)!, DateTimeOffset.UtcNow, CancellationToken.None).GetAwaiter().GetResult();
                if (context.Json)
                {
                    context.WriteJson(w =>
                    {
                        w.WriteBoolean("ok", true);
                        w.WriteString("id", token.Id);
                        w.WriteString("tenant", token.Tenant);
                        w.WriteString("name", token.Name);
                        w.WriteString("token", secret);
                    });
                }
                else
                {
                    // The secret goes to standard output alone on its line, so `TOKEN=$(reach token create … --quiet)` works.
                    context.Environment.Output.WriteLine(secret);
                    if (context.Human)
                    {
                        context.Environment.Error.WriteLine($"created {token.Id} for tenant '{token.Tenant}' ({token.Name}); it is shown only now: send it as Authorization: Bearer <token>");
                    }
                }

                return 0;
            }
            finally
            {
                store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });

        var list = new Command("list", "List the tokens (never their secrets): id, tenant, name, created, revoked.\n\nExample:\n  reach token list --json");
        list.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var store = ServeCommand.OpenStore(context, parse.GetValue(database));
            try
            {
                var tokens = store.ListTokensAsync(CancellationToken.None).GetAwaiter().GetResult();
                if (context.Json)
                {
                    context.WriteJson(w =>
                    {
                        w.WriteBoolean("ok", true);
                        w.WriteStartArray("tokens");
                        foreach (var t in tokens)
                        {
                            w.WriteStartObject();
                            w.WriteString("id", t.Id);
                            w.WriteString("tenant", t.Tenant);
                            w.WriteString("name", t.Name);
                            w.WriteString("created", Text(t.Created));
                            if (t.Revoked is { } revoked)
                            {
                                w.WriteString("revoked", Text(revoked));
                            }
                            else
                            {
                                w.WriteNull("revoked");
                            }

                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });
                    return 0;
                }

                context.Plain(tokens.Count == 0 ? "no tokens; create one with: reach token create --tenant T" : $"{"id",-18}{"tenant",-20}{"name",-20}{"created",-22}revoked");
                foreach (var t in tokens)
                {
                    context.Plain($"{t.Id,-18}{t.Tenant,-20}{t.Name,-20}{Text(t.Created),-22}{(t.Revoked is { } at ? Text(at) : "-")}");
                }

                return 0;
            }
            finally
            {
                store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });

        var id = new Argument<string>("id") { Description = "The token's id (tok_…), from reach token list" };
        var revoke = new Command("revoke", "Revoke a token: runners refuse it within 5 seconds.\n\nExample:\n  reach token revoke tok_0123456789ab") { id };
        revoke.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var store = ServeCommand.OpenStore(context, parse.GetValue(database));
            try
            {
                var tokenId = parse.GetValue(id)!;
                if (!store.RevokeTokenAsync(tokenId, DateTimeOffset.UtcNow, CancellationToken.None).GetAwaiter().GetResult())
                {
                    throw new ReachException(ErrorCatalog.RunnerTokenNotFound, $"No unrevoked token '{tokenId}'.");
                }

                if (context.Json)
                {
                    context.WriteJson(w =>
                    {
                        w.WriteBoolean("ok", true);
                        w.WriteString("id", tokenId);
                    });
                }
                else
                {
                    context.Plain($"revoked {tokenId}");
                }

                return 0;
            }
            finally
            {
                store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });

        return new Command("token", "Manage the runner's API tokens (docs/RUNNER.md): each belongs to one tenant.\n\nExample:\n  reach token create --tenant acme")
        {
            database,
            create,
            list,
            revoke,
        };
    }

    private static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
