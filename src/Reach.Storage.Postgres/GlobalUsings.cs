global using Npgsql;
global using Reach.Runner.Storage;
