global using Npgsql;
global using Reach.Storage;
