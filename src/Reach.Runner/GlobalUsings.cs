global using System.Text.Json;
global using Reach.Configuration;
global using Reach.Storage;
global using Microsoft.AspNetCore.Http.HttpResults;
