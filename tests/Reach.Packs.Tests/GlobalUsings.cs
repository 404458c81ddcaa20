global using CsCheck;
global using Xunit;
global using Reach.Core.Json;
