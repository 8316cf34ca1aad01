import { DataSourcePlugin } from '@grafana/data';
import { CompanionDataSource } from './datasource';
import { ConfigEditor } from './ConfigEditor';
import { QueryEditor } from './QueryEditor';
import type { FsOptions, FsQuery, FsSecureOptions } from './types';

export const plugin = new DataSourcePlugin<CompanionDataSource, FsQuery, FsOptions, FsSecureOptions>(
  CompanionDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
